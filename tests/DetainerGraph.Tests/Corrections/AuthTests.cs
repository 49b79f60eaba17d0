using System.Text.Json;
using DetainerGraph.Cli;
using DetainerGraph.Corrections;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Corrections;

/// <summary>One app with the fixture data, shared by the refusal cases (which must change nothing).</summary>
public sealed class AuthFixture : IAsyncLifetime
{
    public TestApp App { get; } = EditorClient.NewApp();
    public string DetainerId { get; private set; } = "";
    public string ChargeId { get; private set; } = "";
    public string EntryId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await EditorClient.ImportFixtureAsync(App);
        var data = await App.DataAsync("""
            { detainers(first: 1, where: { citizenship: { eq: "Mexico" }, charges: { some: { status: { eq: CONVICTION } } } }) { nodes { id charges { id } } }
              weeklyReport(start: "2017-01-28") { sectionOne { id } } }
            """);
        var detainer = data.GetProperty("detainers").GetProperty("nodes")[0];
        DetainerId = detainer.GetProperty("id").GetString()!;
        ChargeId = detainer.GetProperty("charges")[0].GetProperty("id").GetString()!;
        EntryId = data.GetProperty("weeklyReport").GetProperty("sectionOne")[0].GetProperty("id").GetString()!;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>Every mutation needs a valid token with the editor role; without one it is refused with a code and changes nothing.</summary>
public sealed class AuthTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private TestApp App => fixture.App;

    private const string CorrectDetainer = """
        mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { detainer { outcome } } }
        """;
    private const string RetractDetainer = """
        mutation($input: RetractDetainerInput!) { retractDetainer(input: $input) { detainer { retracted } } }
        """;
    private const string CorrectEntry = """
        mutation($input: CorrectSectionOneEntryInput!) { correctSectionOneEntry(input: $input) { sectionOneEntry { rank } } }
        """;
    private const string RetractEntry = """
        mutation($input: RetractSectionOneEntryInput!) { retractSectionOneEntry(input: $input) { sectionOneEntry { retracted } } }
        """;

    public static TheoryData<string, string, string> Refusals()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var mutation in (string[])["correctDetainer", "correctDetainerCharge", "retractDetainer", "restoreDetainer", "correctSectionOneEntry", "retractSectionOneEntry", "restoreSectionOneEntry"])
        {
            data.Add(mutation, "no token", "AUTH_NOT_AUTHENTICATED");
            data.Add(mutation, "bad signature", "AUTH_INVALID_TOKEN");
            data.Add(mutation, "wrong issuer", "AUTH_INVALID_TOKEN");
            data.Add(mutation, "wrong audience", "AUTH_INVALID_TOKEN");
            data.Add(mutation, "not a token", "AUTH_INVALID_TOKEN");
            data.Add(mutation, "expired", "AUTH_TOKEN_EXPIRED");
            data.Add(mutation, "wrong role", "AUTH_NOT_AUTHORIZED");
        }
        return data;
    }

    private string? Credential(string kind) => kind switch
    {
        "no token" => null,
        "bad signature" => EditorClient.ForeignToken("another-key-that-is-long-enough-0123456789"),
        "wrong issuer" => EditorClient.ForeignToken(EditorClient.SigningKey, issuer: "someone-else"),
        "wrong audience" => EditorClient.ForeignToken(EditorClient.SigningKey, audience: "another-api"),
        "not a token" => "not-a-jwt",
        "expired" => App.Services.GetRequiredService<EditorTokens>().Mint("alice", [EditorTokens.EditorRole], TimeSpan.FromHours(1), DateTime.UtcNow.AddHours(-3)),
        "wrong role" => EditorClient.Token(App, role: "reader"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private (string Query, object Variables) Request(string mutation) => mutation switch
    {
        "correctDetainer" => (CorrectDetainer, new { input = new { id = fixture.DetainerId, field = "OUTCOME", newValue = "LIFTED", reason = "r", source = "s" } }),
        "correctDetainerCharge" => (CorrectDetainer, new { input = new { id = fixture.DetainerId, field = "CHARGE_STATUS", chargeId = fixture.ChargeId, newValue = "CHARGE", reason = "r", source = "s" } }),
        "retractDetainer" => (RetractDetainer, new { input = new { id = fixture.DetainerId, reason = "r", source = "s" } }),
        "correctSectionOneEntry" => (CorrectEntry, new { input = new { id = fixture.EntryId, field = "RANK", newValue = "9", reason = "r", source = "s" } }),
        "retractSectionOneEntry" => (RetractEntry, new { input = new { id = fixture.EntryId, reason = "r", source = "s" } }),
        "restoreDetainer" => ("mutation($input: RestoreDetainerInput!) { restoreDetainer(input: $input) { detainer { retracted } } }",
            new { input = new { id = fixture.DetainerId, reason = "r", source = "s" } }),
        "restoreSectionOneEntry" => ("mutation($input: RestoreSectionOneEntryInput!) { restoreSectionOneEntry(input: $input) { sectionOneEntry { retracted } } }",
            new { input = new { id = fixture.EntryId, reason = "r", source = "s" } }),
        _ => throw new ArgumentOutOfRangeException(nameof(mutation)),
    };

    /// <summary>Everything a mutation could touch: row counts, the outbox, and the records' corrected and published values.</summary>
    private async Task<string> StateAsync()
    {
        var counts = await App.CountsAsync();
        var outbox = await App.WithDbAsync(db => db.SearchOutbox.CountAsync());
        var records = await App.DataAsync("""
            query($d: ID!, $e: ID!) {
              d: node(id: $d) { ... on Detainer { outcome retracted charges { status description } published { outcome } corrections { id } } }
              e: node(id: $e) { ... on SectionOneEntry { rank retracted detainersIssued corrections { id } } }
            }
            """, new { d = fixture.DetainerId, e = fixture.EntryId });
        return JsonSerializer.Serialize(new { counts, outbox, records });
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_mutation_without_a_valid_editor_token_is_refused_with_a_code_and_changes_nothing(string mutation, string credential, string code)
    {
        var before = await StateAsync();
        var (query, variables) = Request(mutation);

        var result = await App.PostAsync(query, variables, Credential(credential));

        Assert.Equal([code], EditorClient.ErrorCodes(result));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").ValueKind);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task The_same_requests_with_an_editor_token_pass_the_check()
    {
        // Proves the refusals above are about the token: with a good one, the only errors left are the data's.
        var result = await App.PostAsync(CorrectDetainer,
            new { input = new { id = fixture.DetainerId, field = "OUTCOME", newValue = "DECLINED_BY_LEA", reason = "r", source = "s" } },
            EditorClient.Token(App));

        Assert.Equal(["NO_CHANGE"], EditorClient.ErrorCodes(result));
    }

    [Fact]
    public async Task Reads_stay_public_and_ignore_a_bad_token()
    {
        var anonymous = await App.PostAsync("{ detainers(first: 1) { totalCount } }", null, null);
        var badToken = await App.PostAsync("{ detainers(first: 1) { totalCount } }", null, "not-a-jwt");

        Assert.Empty(EditorClient.ErrorCodes(anonymous));
        Assert.Empty(EditorClient.ErrorCodes(badToken));
        Assert.True(anonymous.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32() > 0);
    }
}

/// <summary>Where the key comes from: configuration, a generated Development key, or none.</summary>
public sealed class SigningKeyTests : IDisposable
{
    private readonly List<IDisposable> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task Without_a_key_outside_development_every_mutation_is_refused_as_not_configured()
    {
        var app = new TestApp();
        _apps.Add(app);
        await EditorClient.ImportFixtureAsync(app);
        var id = (await app.DataAsync("{ detainers(first: 1) { nodes { id } } }")).GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString();
        var before = await app.CountsAsync();

        var result = await app.PostAsync("mutation($input: RetractDetainerInput!) { retractDetainer(input: $input) { detainer { retracted } } }",
            new { input = new { id, reason = "r", source = "s" } }, EditorClient.ForeignToken(EditorClient.SigningKey));

        Assert.Equal(["AUTH_NOT_CONFIGURED"], EditorClient.ErrorCodes(result));
        Assert.Equal(before, await app.CountsAsync());
    }

    [Fact]
    public async Task In_development_a_key_is_made_once_under_the_storage_folder_and_the_token_command_signs_with_it()
    {
        var app = new TestApp();
        _apps.Add(app);
        // Only this derived host runs: two hosts over one folder would contend for the search index.
        using var development = app.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        await using (var scope = development.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync("detainers.csv", System.Text.Encoding.UTF8.GetBytes(SampleRows.Detainers));
        }
        using var client = development.CreateClient();
        using var page = await client.PostAsync("/graphql", System.Net.Http.Json.JsonContent.Create(new { query = "{ detainers(first: 1) { nodes { id } } }" }));
        var id = JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement
            .GetProperty("data").GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString();

        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = await Commands.RunAsync(["token", "--name", "dev", "--hours", "1"], development.Services);
        }
        finally
        {
            Console.SetOut(original);
        }
        // Other tests' commands may print meanwhile: the token is the line shaped like a JWT.
        var token = output.ToString().Split('\n').Select(l => l.Trim()).Last(l => l.Count(c => c == '.') == 2 && l.StartsWith("eyJ", StringComparison.Ordinal));

        Assert.Equal(0, exit);
        Assert.True(File.Exists(Path.Combine(app.StorageDirectory, EditorTokens.DevelopmentKeyFile)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                query = "mutation($input: RetractDetainerInput!) { retractDetainer(input: $input) { detainer { retracted } correction { editor } } }",
                variables = new { input = new { id, reason = "listed in error", source = "test" } },
            }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        Assert.Equal("dev", body.GetProperty("data").GetProperty("retractDetainer").GetProperty("correction").GetProperty("editor").GetString());
    }

    [Fact]
    public void A_configured_key_shorter_than_32_bytes_stops_the_start()
    {
        var app = new TestApp(settings: new Dictionary<string, string?> { ["Auth:SigningKey"] = "short" });
        _apps.Add(app);

        var error = Assert.ThrowsAny<Exception>(() => app.Started());
        Assert.Contains("Auth:SigningKey", error.ToString(), StringComparison.Ordinal);
    }
}
