using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Corrections;

/// <summary>
/// The write path under hostile or unlucky clients (security review 2026-11-29, findings 6, 7, 12, 13): a committed
/// correction is always audit-logged, a reused idempotency key never stands for a different correction, an
/// unauthenticated mutation operation is refused once, and a trusted mutation document never runs over GET.
/// </summary>
public sealed class WriteHardeningTests : IDisposable
{
    private const string Correct = "mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { detainer { outcome citizenship retracted } correction { id field newValue } } }";
    private const string Retract = "mutation($input: RetractDetainerInput!) { retractDetainer(input: $input) { detainer { retracted } correction { id field } } }";

    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            disposable.Dispose();
        }
    }

    private async Task<(TestApp App, string DetainerId, string Token)> FixtureAsync(IReadOnlyDictionary<string, string?>? more = null)
    {
        var app = EditorClient.NewApp(more);
        _disposables.Add(app);
        await EditorClient.ImportFixtureAsync(app);
        var id = (await app.DataAsync("{ detainers(first: 1, where: { citizenship: { eq: \"Mexico\" } }) { nodes { id } } }"))
            .GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString()!;
        return (app, id, EditorClient.Token(app));
    }

    [Fact]
    public async Task An_idempotency_key_reused_with_another_action_field_value_reason_or_source_is_refused_never_answered_with_the_first_correction()
    {
        var (app, id, token) = await FixtureAsync();
        var first = await app.EditAsync(Correct, new { input = new { id, field = "CITIZENSHIP", newValue = "First", reason = "r", source = "s", idempotencyKey = "k1" } }, token);
        var firstId = first.GetProperty("correctDetainer").GetProperty("correction").GetProperty("id").GetString();
        var rows = await app.WithDbAsync(db => db.Corrections.CountAsync());

        object[] others =
        [
            new { query = Correct, input = (object)new { id, field = "OUTCOME", newValue = "LIFTED", reason = "r", source = "s", idempotencyKey = "k1" } },
            new { query = Correct, input = (object)new { id, field = "CITIZENSHIP", newValue = "Second", reason = "r", source = "s", idempotencyKey = "k1" } },
            new { query = Correct, input = (object)new { id, field = "CITIZENSHIP", newValue = "First", reason = "another reason", source = "s", idempotencyKey = "k1" } },
            new { query = Correct, input = (object)new { id, field = "CITIZENSHIP", newValue = "First", reason = "r", source = "another source", idempotencyKey = "k1" } },
            new { query = Retract, input = (object)new { id, reason = "r", source = "s", idempotencyKey = "k1" } },
        ];
        foreach (var other in others)
        {
            var json = JsonSerializer.SerializeToElement(other);
            var result = await app.PostAsync(json.GetProperty("query").GetString()!, new { input = json.GetProperty("input") }, token);
            Assert.Equal(["IDEMPOTENCY_KEY_REUSED"], EditorClient.ErrorCodes(result));
        }

        // The same request again is a replay: the first correction, nothing new stored, the record as it was.
        var replay = await app.EditAsync(Correct, new { input = new { id, field = "CITIZENSHIP", newValue = " First ", reason = "r ", source = "s", idempotencyKey = "k1" } }, token);
        Assert.Equal(firstId, replay.GetProperty("correctDetainer").GetProperty("correction").GetProperty("id").GetString());
        Assert.Equal(rows, await app.WithDbAsync(db => db.Corrections.CountAsync()));
        var detainer = replay.GetProperty("correctDetainer").GetProperty("detainer");
        Assert.Equal(("First", false), (detainer.GetProperty("citizenship").GetString(), detainer.GetProperty("retracted").GetBoolean()));
    }

    [Theory]
    [InlineData("CITIZENSHIP", "Mex\u0000ico", "r", "s")]
    [InlineData("CITIZENSHIP", "Mexico\nGuatemala", "r", "s")]
    [InlineData("CITIZENSHIP", "\u001b[31mMexico", "r", "s")]
    [InlineData("CITIZENSHIP", "Guatemala", "a\u0000reason", "s")]
    [InlineData("CITIZENSHIP", "Guatemala", "r", "a\u0007source")]
    [InlineData("CITIZENSHIP", "Mexico\u2028Guatemala", "r", "s")]
    [InlineData("CITIZENSHIP", "\u202EOCIXEM", "r", "s")]
    [InlineData("CITIZENSHIP", "Mexico\u200B", "r", "s")]
    [InlineData("CITIZENSHIP", "\uFEFFMexico", "r", "s")]
    [InlineData("CITIZENSHIP", "Guatemala", "listed\u2029in error", "s")]
    [InlineData("CITIZENSHIP", "Guatemala", "r", "ICE \u2066FOIA\u2069")]
    [InlineData("CITIZENSHIP", "\u0301\u0301", "r", "s")]
    [InlineData("CITIZENSHIP", " \u20DDMexico", "r", "s")]
    [InlineData("ISSUED_ON", "9999-12-31", "r", "s")]
    [InlineData("OUTCOME_RECORDED_ON", "0001-01-01", "r", "s")]
    [InlineData("ISSUED_ON", "1899-12-31", "r", "s")]
    public async Task A_correction_with_a_control_character_or_a_date_an_import_refuses_is_refused_and_changes_nothing(string field, string newValue, string reason, string source)
    {
        var (app, id, token) = await FixtureAsync();
        var before = await app.DataAsync($"{{ detainer(id: \"{id}\") {{ citizenship issuedOn outcomeRecordedOn }} }}");
        var rows = await app.WithDbAsync(db => db.Corrections.CountAsync());

        var result = await app.PostAsync(Correct, new { input = new { id, field, newValue, reason, source } }, token);

        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(result));
        Assert.Equal(rows, await app.WithDbAsync(db => db.Corrections.CountAsync()));
        var after = await app.DataAsync($"{{ detainer(id: \"{id}\") {{ citizenship issuedOn outcomeRecordedOn }} }}");
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task A_correction_to_a_date_at_the_ends_of_the_accepted_years_is_kept()
    {
        var (app, id, token) = await FixtureAsync();
        var result = await app.EditAsync(Correct, new { input = new { id, field = "ISSUED_ON", newValue = "2099-12-31", reason = "r", source = "s" } }, token);
        Assert.Equal("2099-12-31", result.GetProperty("correctDetainer").GetProperty("correction").GetProperty("newValue").GetString());
    }

    [Fact]
    public async Task A_retraction_replayed_with_its_key_answers_the_first_retraction()
    {
        var (app, id, token) = await FixtureAsync();
        var input = new { input = new { id, reason = "listed in error", source = "s", idempotencyKey = "retract-1" } };
        var first = await app.EditAsync(Retract, input, token);
        var again = await app.EditAsync(Retract, input, token);

        Assert.Equal(first.GetProperty("retractDetainer").GetProperty("correction").GetProperty("id").GetString(),
            again.GetProperty("retractDetainer").GetProperty("correction").GetProperty("id").GetString());
        Assert.True(again.GetProperty("retractDetainer").GetProperty("detainer").GetProperty("retracted").GetBoolean());
    }

    [Fact]
    public async Task An_unauthenticated_mutation_operation_of_many_fields_is_refused_once_with_one_error_and_one_audit_line()
    {
        var logs = new LogCapture();
        var (host, id) = await HostAsync(logs, null);
        var fields = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"m{i}: retractDetainer(input: {{ id: \"{id}\", reason: \"r\", source: \"s\" }}) {{ __typename }}"));
        var reader = host.Services.GetRequiredService<EditorTokens>().Mint("rita", ["reader"], TimeSpan.FromHours(1));

        foreach (var (token, code) in new[] { ((string?)null, "AUTH_NOT_AUTHENTICATED"), ("not-a-jwt", "AUTH_INVALID_TOKEN"), (reader, "AUTH_NOT_AUTHORIZED") })
        {
            var before = logs.In("DetainerGraph.Audit").Count;
            var body = await PostAsync(host, new { query = $"mutation {{ {fields} }}" }, token);

            Assert.Equal([code], EditorClient.ErrorCodes(body));
            Assert.Equal(JsonValueKind.Null, body.GetProperty("data").ValueKind);
            var line = Assert.Single(logs.In("DetainerGraph.Audit").Skip(before));
            Assert.Equal(code, line.Values["Code"]);
        }
        Assert.Equal(0, await CountAsync(host, db => db.Detainers.CountAsync(d => d.Retracted)));
    }

    [Fact]
    public async Task A_correction_committed_as_the_client_disconnects_is_still_audit_logged()
    {
        // Only the correction's commit (its context tracks the new correction), not the outbox worker's.
        var commit = new HeldCommit { Matches = data => data.Context?.ChangeTracker.Entries<Correction>().Any() == true };
        var logs = new LogCapture();
        var (host, id) = await HostAsync(logs, services => services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(commit)));
        var token = host.Services.GetRequiredService<EditorTokens>().Mint("alice", [EditorTokens.EditorRole], TimeSpan.FromHours(1));
        commit.Arm();
        try
        {
            using var leave = new CancellationTokenSource();
            var sent = PostAsync(host, new { query = Correct, variables = new { input = new { id, field = "CITIZENSHIP", newValue = "Chile", reason = "r", source = "s" } } }, token, leave.Token);
            // The correction's transaction has committed; before the code after the commit runs, the client leaves.
            await commit.Entered.WithinAsync("the correction's transaction to commit");
            // (TestServer aborts the request as the client cancels; the client's call ends once the server's pipeline does.)
            await leave.CancelAsync();
            commit.Release();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent.WithinAsync("the client's cancelled request to end"));

            var applied = await logs.WaitForAsync(l => l.Category == "DetainerGraph.Audit" && l.EventId.Id == 7001, "the audit line of the committed correction");
            var stored = await CountAsync(host, db => db.Corrections.Where(c => c.NewValue == "Chile").Select(c => c.Id).SingleAsync());
            Assert.Equal(stored, applied.Values["CorrectionId"]);
            Assert.Equal("Chile", applied.Values["NewValue"]);
            Assert.Single(logs.In("DetainerGraph.Audit"), l => l.EventId.Id == 7001);
        }
        finally
        {
            commit.Release();
        }
    }

    /// <summary>One host (the only one over its folder) with editors' tokens, its logs captured, and detainers imported; the first detainer's ID.</summary>
    private async Task<(WebApplicationFactory<Program> Host, string DetainerId)> HostAsync(LogCapture logs, Action<IServiceCollection>? services)
    {
        var app = EditorClient.NewApp();
        _disposables.Add(app);
        var host = app.WithWebHostBuilder(b =>
        {
            b.ConfigureLogging(l => l.AddProvider(logs));
            if (services is not null)
            {
                b.ConfigureServices(services);
            }
        });
        _disposables.Add(host);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DetainerGraph.Import.Importer>().ImportAsync("detainers.csv", System.Text.Encoding.UTF8.GetBytes(SampleRows.Detainers));
        }
        var id = (await PostAsync(host, new { query = "{ detainers(first: 1) { nodes { id } } }" }, null))
            .GetProperty("data").GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString()!;
        return (host, id);
    }

    private static async Task<T> CountAsync<T>(WebApplicationFactory<Program> host, Func<DetainerGraph.Data.DetainerDbContext, Task<T>> read)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<DetainerGraph.Data.DetainerDbContext>());
    }

    [Fact]
    public async Task A_trusted_mutation_document_over_GET_is_refused_with_405_like_any_mutation()
    {
        var folder = Directory.CreateTempSubdirectory("detainergraph-trusted").FullName;
        const string Mutation = "mutation Retract($id: ID!) { retractDetainer(input: { id: $id, reason: \"via GET\", source: \"trusted doc\" }) { detainer { id retracted } } }";
        const string Query = "query Weeks { weeks { totalCount } }";
        File.WriteAllText(Path.Combine(folder, "retract.graphql"), Mutation);
        File.WriteAllText(Path.Combine(folder, "weeks.graphql"), Query);
        try
        {
            var (app, id, token) = await FixtureAsync(new Dictionary<string, string?> { ["GraphQL:TrustedDocuments:Directory"] = folder });
            using var client = app.CreateClient();
            var variables = Uri.EscapeDataString(JsonSerializer.Serialize(new { id }));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/graphql?documentId=sha256:{TrustedDocumentStore.HashOf(Mutation)}&variables={variables}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

            using var response = await client.SendAsync(request);
            using var query = await client.GetAsync(new Uri($"/graphql?documentId=sha256:{TrustedDocumentStore.HashOf(Query)}", UriKind.Relative));

            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal("POST", string.Join(',', response.Content.Headers.Allow));
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
            Assert.False(await app.WithDbAsync(db => db.Detainers.AnyAsync(d => d.Retracted)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<JsonElement> PostAsync(WebApplicationFactory<Program> host, object body, string? token, CancellationToken ct = default)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request, ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
    }
}
