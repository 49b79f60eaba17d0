using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>Automatic persisted queries as Apollo Client's persisted-query link sends them, through HTTP.</summary>
public sealed class AutomaticPersistedQueryTests : IAsyncLifetime, IDisposable
{
    private const string Query = "query Count { detainers { totalCount } }";
    private static readonly string Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Query)));
    private readonly TestApp _app = new();

    public async Task InitializeAsync() => await _app.ImportAsync("fixture.csv", FilterFixture.Detainers);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private static object Extensions(string hash) => new { persistedQuery = new { version = 1, sha256Hash = hash } };

    private static async Task<JsonElement> PostAsync(TestApp app, object body)
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", body);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string? Code(JsonElement result) =>
        result.TryGetProperty("errors", out var errors) ? errors[0].Code() : null;

    [Fact]
    public async Task An_unknown_hash_is_not_found_then_the_full_text_registers_it_for_POST_and_GET()
    {
        var missing = await PostAsync(_app, new { extensions = Extensions(Hash) });
        Assert.Equal(AutomaticPersistedQueries.NotFoundCode, Code(missing));
        Assert.Equal("PersistedQueryNotFound", missing.GetProperty("errors")[0].GetProperty("message").GetString());

        var registered = await PostAsync(_app, new { query = Query, extensions = Extensions(Hash) });
        Assert.Equal(6, registered.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());

        var byHash = await PostAsync(_app, new { extensions = Extensions(Hash) });
        Assert.Equal(6, byHash.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());

        using var client = _app.CreateClient();
        var extensions = Uri.EscapeDataString(JsonSerializer.Serialize(Extensions(Hash)));
        var get = JsonDocument.Parse(await client.GetStringAsync($"/graphql?operationName=Count&extensions={extensions}")).RootElement;
        Assert.Equal(6, get.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_query_whose_text_does_not_match_its_hash_is_refused_and_not_kept()
    {
        var wrong = new string('a', 64);
        Assert.Equal(AutomaticPersistedQueries.HashMismatchCode, Code(await PostAsync(_app, new { query = Query, extensions = Extensions(wrong) })));
        Assert.Equal(AutomaticPersistedQueries.NotFoundCode, Code(await PostAsync(_app, new { extensions = Extensions(wrong) })));
        Assert.Equal(AutomaticPersistedQueries.NotSupportedCode, Code(await PostAsync(_app, new { extensions = Extensions("xyz") })));
    }

    [Fact]
    public async Task The_store_is_bounded_by_bytes()
    {
        using var small = new TestApp(settings: new Dictionary<string, string?> { ["GraphQL:PersistedQueryBytes"] = "16" });
        var answered = await PostAsync(small, new { query = Query, extensions = Extensions(Hash) });
        Assert.Equal(JsonValueKind.Object, answered.GetProperty("data").ValueKind);
        // Longer than the whole store: answered, never kept.
        Assert.Equal(AutomaticPersistedQueries.NotFoundCode, Code(await PostAsync(small, new { extensions = Extensions(Hash) })));
    }
}
