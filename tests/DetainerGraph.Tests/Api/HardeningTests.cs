using System.Linq.Expressions;
using System.Net;
using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// The findings of the 2026-11-29 security review that concern filters, cost and cursors, each by its class and
/// through HTTP: every <c>where</c> passes the same limits (search included), the price of a request follows its
/// work, the rate limiter charges that price, a client has a concurrency limit, and cursors past the end stay there.
/// </summary>
public sealed class HardeningTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private readonly TestApp _app = sample.App;

    private static string? Code(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    private static List<object> Empties(int count) => [.. Enumerable.Range(0, count).Select(_ => (object)new Dictionary<string, object>())];

    [Theory]
    [InlineData("jurisdiction")]
    [InlineData("week")]
    public async Task A_wide_or_of_empty_objects_in_a_search_filter_is_refused_as_too_complex(string field)
    {
        // On main this reached EF Core unchecked (30,000 items overflowed the stack and killed the process).
        var body = await _app.QueryAsync("query($w: DetainerFilterInput) { searchCharges(query: \"dui\", where: $w) { totalCount } }",
            new { w = new Dictionary<string, object> { [field] = new { or = Empties(5_000) } } });
        Assert.Equal(FilterLimits.FilterTooComplexCode, Code(body));
        // The server still answers.
        await _app.DataAsync("{ weeks(first: 1) { totalCount } }");
    }

    [Fact]
    public async Task A_search_filter_too_wide_for_the_database_is_a_client_error_not_search_unavailable()
    {
        var names = Enumerable.Range(0, 1_000).Select(i => new { name = new { eq = "n" + i } }).ToList();
        var body = await _app.QueryAsync("query($w: DetainerFilterInput) { searchCharges(query: \"dui\", where: $w) { totalCount } }",
            new { w = new { jurisdiction = new { or = names } } });
        Assert.Equal(FilterLimits.FilterTooComplexCode, Code(body));
    }

    [Theory]
    [InlineData("{ detainers(where: $w) { totalCount } }")]
    [InlineData("{ detainerStats(where: $w, groupBy: [OUTCOME]) { count } }")]
    [InlineData("{ jurisdictions(first: 1) { nodes { detainers(where: $w) { totalCount } } } }")]
    [InlineData("{ searchCharges(query: \"dui\", where: $w) { totalCount } }")]
    public async Task The_lists_of_one_filter_share_one_bound_of_values_on_every_field_that_takes_a_where(string selection)
    {
        // Two lists of 600: each within the per-list bound, together past the filter's (and, with 40 such lists,
        // past SQL Server's 2,100 parameters on main).
        var values = Enumerable.Range(0, 600).Select(i => "X" + i).ToList();
        var body = await _app.QueryAsync("query($w: DetainerFilterInput) " + selection,
            new { w = new { and = new object[] { new { citizenship = new { @in = values } }, new { citizenship = new { @in = values } } } } });
        Assert.Equal(FilterLimits.FilterTooComplexCode, Code(body));
    }

    [Fact]
    public void And_and_or_are_built_as_balanced_trees()
    {
        var items = Enumerable.Range(0, 32).Select(i => (object?)new Dictionary<string, object?> { ["citizenship"] = new Dictionary<string, object?> { ["eq"] = "C" + i } }).ToList();
        var predicate = DetainerFilterInputGraphType.ToPredicate(new Dictionary<string, object?> { ["or"] = items });
        // 32 items pairwise: 5 levels of OrElse (a left-deep chain would be 31).
        Assert.Equal(5, OrElseDepth(predicate.Body));
    }

    private static int OrElseDepth(Expression e) => e is BinaryExpression { NodeType: ExpressionType.OrElse } b
        ? 1 + Math.Max(OrElseDepth(b.Left), OrElseDepth(b.Right))
        : 0;

    [Fact]
    public async Task A_position_cursor_at_int_max_value_is_refused_by_keyset_connections_and_past_the_end_of_search()
    {
        // Entity lists page by keyset: a position cursor of an earlier version is read only up to a shallow depth,
        // so a forged deep one costs nothing and says why.
        var cursor = Paging.EncodeCursor(int.MaxValue);
        var result = await _app.QueryAsync("query($c: String) { detainers(first: 3, after: $c) { nodes { id } } " +
            "jurisdictions(first: 1) { nodes { detainers(first: 3, after: $c) { nodes { id } } } } weeks(first: 3, after: $c) { nodes { start } } }", new { c = cursor });
        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Equal("INVALID_CURSOR", e.GetProperty("extensions").GetProperty("code").GetString()));
        Assert.Contains("earlier version", errors[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var search = await _app.QueryAsync("query($c: String) { searchCharges(query: \"dui\", first: 3, after: $c) { edges { cursor } } }", new { c = cursor });
        Assert.True(Code(search) == "SEARCH_WINDOW_TOO_LARGE" || search.TryGetProperty("data", out _) && search.GetProperty("data").GetProperty("searchCharges").GetProperty("edges").GetArrayLength() == 0, search.ToString());
    }

    [Fact]
    public async Task An_oversized_or_garbled_position_cursor_is_refused_with_a_reason_and_never_echoed_whole()
    {
        // searchCharges and detainerGroups page by position; their cursors are short, so a long one is refused
        // before it is decoded, and the message quotes only its start, like a keyset cursor's.
        var huge = new string('A', 100_000);
        foreach (var cursor in new[] { huge, "bm90LWEtY3Vyc29y" })
        {
            var result = await _app.QueryAsync("query($c: String) { searchCharges(query: \"dui\", first: 3, after: $c) { totalCount } }", new { c = cursor });
            Assert.Equal("INVALID_CURSOR", Code(result));
            var message = result.GetProperty("errors")[0].GetProperty("message").GetString()!;
            Assert.True(message.Length < 200, message);
            Assert.Contains(cursor.Length > 64 ? "longer than any cursor" : "not one this API made", message, StringComparison.Ordinal);
        }
    }

    private static object CostlyFilter() => new
    {
        or = Enumerable.Range(0, 24).Select(i => new { charges = new { some = new { description = new { containsIgnoreCase = "zz" + i } } } }).ToList(),
    };

    [Fact]
    public async Task Forty_aliased_costly_filtered_counts_are_refused_before_they_run_with_their_cost()
    {
        var query = "query($w: DetainerFilterInput) { " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"a{i}: detainers(first: 0, where: $w) {{ totalCount }}")) + " }";
        var body = await _app.QueryAsync(query, new { w = CostlyFilter() });
        Assert.Equal("COMPLEXITY", Code(body));
        Assert.True(body.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble() > 50_000);
        Assert.Equal(0, TestApp.SqlStatements(body));
        // Again, now that its text may be cached: the price is computed on every request.
        var again = await _app.QueryAsync(query, new { w = CostlyFilter() });
        Assert.Equal("COMPLEXITY", Code(again));
    }

    [Fact]
    public async Task Nodes_is_priced_by_the_ids_it_is_given_repeated_ones_included()
    {
        var id = GlobalId.Encode("Jurisdiction", 17);
        var body = await _app.QueryAsync("query($ids: [ID!]!, $w: DetainerFilterInput) { nodes(ids: $ids) { ... on Jurisdiction { detainers(first: 0, where: $w) { totalCount } } } }",
            new { ids = Enumerable.Repeat(id, 50).ToList(), w = CostlyFilter() });
        Assert.Equal("COMPLEXITY", Code(body));
        Assert.Equal(0, TestApp.SqlStatements(body));
    }

    [Theory]
    [InlineData("{ detainers(where: { facility: { name: { containsIgnoreCase: \"a\" } } }) { totalCount } }")]
    [InlineData("{ detainerStats(where: { citizenship: { eq: \"MEXICO\" } }, groupBy: [OUTCOME, WEEK]) { count } }")]
    [InlineData("{ searchCharges(query: \"driving under influence\") { totalCount } }")]
    public async Task Work_costs_more_than_its_shape(string costly)
    {
        var plain = await CostOfAsync("{ detainers { totalCount } }");
        Assert.True(await CostOfAsync(costly) >= plain + 200, costly);
    }

    private async Task<double> CostOfAsync(string query)
    {
        var (status, body) = await PostAsync(_app, JsonSerializer.Serialize(new { query }), "validate");
        Assert.Equal(200, status);
        return body.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble();
    }

    [Fact]
    public async Task GraphQL_cost_validate_prices_an_operation_without_running_it_and_report_adds_the_price()
    {
        var request = JsonSerializer.Serialize(new { query = "{ detainers(first: 2) { nodes { id } } }" });
        var (status, validated) = await PostAsync(_app, request, "validate");
        Assert.Equal(200, status);
        Assert.False(validated.TryGetProperty("data", out _), validated.ToString());
        Assert.False(validated.TryGetProperty("errors", out _), validated.ToString());
        Assert.Equal(0, TestApp.SqlStatements(validated));
        var requested = validated.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble();
        Assert.True(requested > 0);

        var (_, reported) = await PostAsync(_app, request, "report");
        Assert.Equal(2, reported.GetProperty("data").GetProperty("detainers").GetProperty("nodes").GetArrayLength());
        Assert.Equal(requested, reported.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble());

        var (_, plain) = await PostAsync(_app, request, null);
        Assert.False(plain.GetProperty("extensions").TryGetProperty("cost", out _));
    }

    private static async Task<(int Status, JsonElement Body)> PostAsync(TestApp app, string body, string? costMode, string address = "10.0.0.1")
    {
        var context = await app.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/graphql";
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (costMode is not null)
            {
                http.Request.Headers[RequestCost.Header] = costMode;
            }
        });
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task The_rate_limiter_charges_tokens_by_cost()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:Burst"] = "20",
            ["RateLimiting:PermitsPerPeriod"] = "1",
            ["RateLimiting:Period"] = "01:00:00",
            ["RateLimiting:CostPerToken"] = "100",
        });
        // About 1,300 units: 13 of the 20 tokens, so the second one cannot be paid for.
        var costly = JsonSerializer.Serialize(new { query = "{ detainers(where: { citizenship: { containsIgnoreCase: \"a\" }, facility: { name: { containsIgnoreCase: \"b\" } } }) { totalCount } }" });
        var (first, firstBody) = await PostAsync(app, costly, "report");
        Assert.Equal(200, first);
        Assert.True(firstBody.GetProperty("extensions").GetProperty("cost").GetProperty("tokens").GetInt32() > 10, firstBody.ToString());
        var (second, secondBody) = await PostAsync(app, costly, "report");
        Assert.True(429 == second, firstBody + " / " + secondBody);
        Assert.Equal(HttpProtection.RateLimitedCode, Code(secondBody));
        // A cheap request still fits in what is left, and another client is unaffected.
        Assert.Equal(200, (await PostAsync(app, JsonSerializer.Serialize(new { query = "{ weeks(first: 1) { totalCount } }" }), null)).Status);
        Assert.Equal(200, (await PostAsync(app, costly, null, address: "10.0.0.2")).Status);
    }

    /// <summary>A list query whose SQL carries <see cref="HeldMarker"/>, so a <see cref="HeldStatement"/> holds it and nothing else.</summary>
    private const string HeldQuery = "{ detainers(first: 5, where: { citizenship: { neq: \"" + HeldMarker + "\" } }) { nodes { id } } }";
    private const string HeldMarker = "held-marker";

    /// <summary>A server over the fixture's detainers whose reader carrying <see cref="HeldMarker"/> can be held, and whose timers the test runs.</summary>
    private static async Task<TestApp> HeldAppAsync(HeldStatement held, ManualTimers timers, Dictionary<string, string?> settings)
    {
        var app = new TestApp(settings: settings, services: services =>
        {
            services.AddSingleton<TimeProvider>(timers);
            services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(held));
        });
        held.Matches = command => command.CommandText.Contains(HeldMarker, StringComparison.Ordinal)
            || command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => Equals(p.Value, HeldMarker));
        await app.ImportAsync("detainers.csv", SampleRows.Detainers);
        return app;
    }

    [Fact]
    public async Task A_client_past_its_concurrency_limit_gets_429_while_others_are_served()
    {
        var held = new HeldStatement();
        using var app = await HeldAppAsync(held, new ManualTimers(), new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:MaxConcurrentRequests"] = "1",
        });
        var weeks = JsonSerializer.Serialize(new { query = "{ weeks(first: 1) { totalCount } }" });
        held.Arm();
        try
        {
            // The first request is held inside its SQL: it holds this client's only slot for as long as the test wants.
            var first = PostAsync(app, JsonSerializer.Serialize(new { query = HeldQuery }), null);
            await held.Entered.WithinAsync("the first request to reach its SQL statement");

            var (status, body) = await PostAsync(app, weeks, null).WithinAsync("the second request of the same client to be answered");
            Assert.True(429 == status, body.ToString());
            Assert.Equal(HttpProtection.TooManyConcurrentCode, Code(body));
            // Another client is served meanwhile.
            Assert.Equal(200, (await PostAsync(app, weeks, null, address: "10.0.0.2").WithinAsync("another client's request")).Status);

            held.Release();
            var (firstStatus, firstBody) = await first.WithinAsync("the held request to finish once released");
            Assert.Equal(200, firstStatus);
            Assert.Equal(2, firstBody.GetProperty("data").GetProperty("detainers").GetProperty("nodes").GetArrayLength());
            // Its slot is free again.
            Assert.Equal(200, (await PostAsync(app, weeks, null).WithinAsync("the client's next request")).Status);
        }
        finally
        {
            held.Release();
        }
    }

    [Fact]
    public async Task A_batch_shares_one_execution_timeout()
    {
        var held = new HeldStatement();
        var timers = new ManualTimers();
        using var app = await HeldAppAsync(held, timers, new Dictionary<string, string?> { ["GraphQL:ExecutionTimeout"] = "00:00:30" });
        held.Arm();
        try
        {
            var item = new { query = HeldQuery };
            var sent = PostAsync(app, JsonSerializer.Serialize(new[] { item, item, item }), null);
            await held.Entered.WithinAsync("the batch's first operation to reach its SQL statement");
            // The request's budget runs out while its first operation works.
            timers.Advance(TimeSpan.FromSeconds(31));
            Assert.True(await held.Ended.WithinAsync("the held statement to see the timeout"), "the statement's token was not cancelled by the timeout");
            var (status, body) = await sent.WithinAsync("the batch's answer");

            Assert.Equal(200, status);
            Assert.Equal(3, body.GetArrayLength());
            // Every operation is answered TIMEOUT: the later ones are not given a fresh budget, and never reach the database.
            Assert.All(body.EnumerateArray(), result => Assert.Equal("TIMEOUT", Code(result)));
            Assert.Equal(0, TestApp.SqlStatements(body[1]));
            Assert.Equal(0, TestApp.SqlStatements(body[2]));
            Assert.Equal(1, held.Holds);
        }
        finally
        {
            held.Release();
        }
    }
}
