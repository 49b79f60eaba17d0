using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

public sealed class TrustedDocumentTests : IDisposable
{
    private const string Known = "{ weeks { totalCount } }";
    private readonly string _folder = Directory.CreateTempSubdirectory("detainergraph-trusted").FullName;

    public TrustedDocumentTests() => File.WriteAllText(Path.Combine(_folder, "weeks.graphql"), Known);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private TestApp App(bool onlyTrusted) => new(settings: new Dictionary<string, string?>
    {
        ["GraphQL:TrustedDocuments:Directory"] = _folder,
        ["GraphQL:TrustedDocuments:OnlyTrusted"] = onlyTrusted ? "true" : "false",
    });

    private static async Task<(HttpStatusCode, JsonElement)> PostAsync(TestApp app, object body)
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", body);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task A_known_document_runs_by_its_sha256()
    {
        using var app = App(onlyTrusted: true);

        var (status, body) = await PostAsync(app, new { documentId = "sha256:" + TrustedDocumentStore.HashOf(Known) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Only_trusted_mode_refuses_query_texts_and_unknown_ids()
    {
        using var app = App(onlyTrusted: true);

        var (_, text) = await PostAsync(app, new { query = Known });
        var (_, unknown) = await PostAsync(app, new { documentId = "sha256:" + new string('0', 64) });

        Assert.False(text.TryGetProperty("data", out _));
        Assert.NotNull(text.FirstErrorCode());
        Assert.False(unknown.TryGetProperty("data", out _));
        Assert.NotNull(unknown.FirstErrorCode());
    }

    [Fact]
    public async Task By_default_query_texts_run_beside_trusted_ids()
    {
        using var app = App(onlyTrusted: false);

        var (_, text) = await PostAsync(app, new { query = Known });

        Assert.Equal(0, text.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }
}
