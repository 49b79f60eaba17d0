using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using GraphQL;
using GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>The limits that hold the HTTP surface, each checked through HTTP.</summary>
public sealed class LimitsTests
{
    private const string WeeksQuery = """{"query":"{ weeks { totalCount } }"}""";

    private static string? Code(JsonElement body) =>
        body.FirstErrorCode();

    /// <summary>
    /// A POST as if from <paramref name="address"/>, optionally signed in as <paramref name="user"/>, or relayed by a
    /// proxy at <paramref name="address"/> for <paramref name="forwardedFor"/>.
    /// </summary>
    private static async Task<(int Status, IHeaderDictionary Headers, JsonElement Body)> PostFromAsync(TestApp app, string address, string? user = null,
        string body = WeeksQuery, string? forwardedFor = null)
    {
        var context = await app.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/graphql";
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (forwardedFor is not null)
            {
                http.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
            if (user is not null)
            {
                http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], "Test"));
            }
        });
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, context.Response.Headers, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static TestApp RateLimitedApp() => new(settings: new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "true",
        ["RateLimiting:Burst"] = "3",
        ["RateLimiting:PermitsPerPeriod"] = "1",
        // A long period, so no token comes back while the test runs, however slow the machine.
        ["RateLimiting:Period"] = "01:00:00",
    });

    [Fact]
    public async Task A_client_past_its_budget_gets_429_with_retry_after_and_a_code()
    {
        using var app = RateLimitedApp();

        var answers = new List<(int Status, IHeaderDictionary Headers, JsonElement Body)>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await PostFromAsync(app, "203.0.113.7"));
        }

        Assert.Equal([200, 200, 200, 429], answers.Select(a => a.Status));
        var (_, headers, body) = answers[3];
        Assert.True(int.Parse(headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0, $"Retry-After: {headers.RetryAfter}");
        Assert.Equal("RATE_LIMITED", Code(body));
        Assert.False(body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Clients_are_limited_apart_by_address_and_by_signed_in_user()
    {
        using var app = RateLimitedApp();
        for (var i = 0; i < 3; i++)
        {
            await PostFromAsync(app, "203.0.113.7");
        }

        var sameAddress = await PostFromAsync(app, "203.0.113.7");
        var otherAddress = await PostFromAsync(app, "198.51.100.20");
        // Signed-in users behind the exhausted address have budgets of their own.
        var alice = await PostFromAsync(app, "203.0.113.7", user: "alice");
        for (var i = 0; i < 2; i++)
        {
            await PostFromAsync(app, "203.0.113.7", user: "alice");
        }
        var aliceAgain = await PostFromAsync(app, "198.51.100.99", user: "alice");
        var bob = await PostFromAsync(app, "203.0.113.7", user: "bob");

        Assert.Equal(429, sameAddress.Status);
        Assert.Equal(200, otherAddress.Status);
        Assert.Equal(200, alice.Status);
        Assert.Equal(429, aliceAgain.Status);
        Assert.Equal(200, bob.Status);
    }

    [Fact]
    public async Task Behind_a_proxy_with_forwarded_headers_on_clients_are_limited_by_their_forwarded_address()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true (the ForwardedHeaders_Enabled setting) makes ASP.NET Core take
        // the client's address from X-Forwarded-For: without it every client behind a load balancer would share
        // the balancer's budget.
        using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["ForwardedHeaders_Enabled"] = "true",
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:Burst"] = "2",
            ["RateLimiting:PermitsPerPeriod"] = "1",
            ["RateLimiting:Period"] = "01:00:00",
        });
        async Task<int> ThroughProxyAsync(string client) => (await PostFromAsync(app, "10.0.0.2", forwardedFor: client)).Status;

        var first = new[] { await ThroughProxyAsync("203.0.113.7"), await ThroughProxyAsync("203.0.113.7"), await ThroughProxyAsync("203.0.113.7") };
        var other = await ThroughProxyAsync("198.51.100.20");

        Assert.Equal([200, 200, 429], first);
        Assert.Equal(200, other);
    }

    /// <summary>
    /// The introspection query IDEs and code generators send, nested as deep as theirs (the type references seven
    /// levels down). The complexity analyzer prices it near a million, which it is exempt from.
    /// </summary>
    private static readonly string StandardIntrospection = JsonSerializer.Serialize(new
    {
        query = """
            query IntrospectionQuery { __schema { queryType { name } mutationType { name } types { ...FullType } directives { name locations args { ...InputValue } } } }
            fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
            fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
            fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
            """,
    });

    [Fact]
    public async Task The_schema_is_charged_to_the_rate_limit_as_the_small_answer_it_is()
    {
        // The default bucket, with no token coming back while the test runs. Banana Cake Pop fetches the schema each
        // time it opens a document or runs an operation; priced by the analyzer, one fetch took all 100 tokens.
        using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:Period"] = "01:00:00",
        });

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await PostFromAsync(app, "203.0.113.7", body: StandardIntrospection)).Status);
        }
        statuses.Add((await PostFromAsync(app, "203.0.113.7")).Status);

        Assert.Equal([200, 200, 200, 200], statuses);
    }

    [Fact]
    public async Task The_rate_limiter_is_off_when_disabled()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["RateLimiting:Burst"] = "1", ["RateLimiting:Period"] = "01:00:00" });

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await PostFromAsync(app, "203.0.113.7")).Status);
        }

        Assert.All(statuses, s => Assert.Equal(200, s));
    }

    [Fact]
    public async Task With_introspection_off_the_schema_is_refused_and_the_ide_is_not_served()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["GraphQL:EnableIntrospection"] = "false" });
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var schema = await app.QueryAsync("{ __schema { types { name } } }");
        var type = await app.QueryAsync("{ __type(name: \"Detainer\") { name } }");
        var typename = await app.DataAsync("{ __typename weeks { totalCount } }");
        using var sdl = await client.GetAsync("/graphql?sdl");
        using var page = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        using var ide = await client.SendAsync(page);
        using var config = await client.GetAsync("/graphql/bcp-config.json");

        Assert.Equal("INTROSPECTION_DISABLED", Code(schema));
        Assert.False(schema.TryGetProperty("data", out _));
        Assert.Equal("INTROSPECTION_DISABLED", Code(type));
        Assert.Equal("Query", typename.GetProperty("__typename").GetString());
        Assert.Equal(HttpStatusCode.NotFound, sdl.StatusCode);
        Assert.Equal("INTROSPECTION_DISABLED", Code(JsonDocument.Parse(await sdl.Content.ReadAsStringAsync()).RootElement));
        Assert.NotEqual(HttpStatusCode.Redirect, ide.StatusCode);
        Assert.DoesNotContain("text/html", ide.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, config.StatusCode);
    }

    [Fact]
    public async Task With_introspection_on_the_same_requests_succeed()
    {
        using var app = new TestApp();

        var schema = await app.DataAsync("{ __type(name: \"Detainer\") { name } }");
        using var client = app.CreateClient();
        using var sdl = await client.GetAsync("/graphql?sdl");

        Assert.Equal("Detainer", schema.GetProperty("__type").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, sdl.StatusCode);
    }

    private static async Task<HttpResponseMessage> CrossOriginAsync(TestApp app, string origin, bool preflight)
    {
        using var client = app.CreateClient();
        var request = preflight
            ? new HttpRequestMessage(HttpMethod.Options, "/graphql")
            : new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(WeeksQuery, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", origin);
        if (preflight)
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
        }
        return await client.SendAsync(request);
    }

    private static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;

    [Fact]
    public async Task Cors_is_closed_by_default_outside_development()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["environment"] = "Production" });

        using var preflight = await CrossOriginAsync(app, "https://elsewhere.example", preflight: true);
        using var post = await CrossOriginAsync(app, "https://elsewhere.example", preflight: false);

        Assert.Null(AllowedOrigin(preflight));
        Assert.Null(AllowedOrigin(post));
        // The request itself is served: CORS only tells browsers what a page from elsewhere may read.
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Cors_allows_the_configured_origins_only()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Cors:AllowedOrigins:0"] = "https://maps.example",
            ["Cors:AllowedOrigins:1"] = "https://tables.example",
        });

        using var preflight = await CrossOriginAsync(app, "https://maps.example", preflight: true);
        using var post = await CrossOriginAsync(app, "https://tables.example", preflight: false);
        using var other = await CrossOriginAsync(app, "https://elsewhere.example", preflight: true);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("https://maps.example", AllowedOrigin(preflight));
        Assert.Contains("POST", preflight.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Equal("https://tables.example", AllowedOrigin(post));
        Assert.Null(AllowedOrigin(other));
    }

    [Fact]
    public async Task Cors_is_open_in_development_unless_configured()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["environment"] = "Development" });

        using var post = await CrossOriginAsync(app, "https://localhost:3000", preflight: false);

        Assert.Equal("*", AllowedOrigin(post));
    }

    [Fact]
    public async Task A_page_on_an_allowed_origin_may_send_the_cost_header_and_read_an_export_s_file_name()
    {
        // A browser refuses the whole request when its preflight does not allow every header the page sets: the
        // documented `GraphQL-Cost: report`, or Apollo Client's client-awareness headers, made every query fail.
        using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Cors:AllowedOrigins"] = "https://maps.example",
        });
        using var client = app.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        preflight.Headers.Add("Origin", "https://maps.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization,graphql-cost,apollographql-client-name,apollographql-client-version");
        using var export = new HttpRequestMessage(HttpMethod.Get, "/export/detainer-stats.csv?groupBy=STATE");
        export.Headers.Add("Origin", "https://maps.example");

        using var allowed = await client.SendAsync(preflight);
        using var download = await client.SendAsync(export);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        var headers = allowed.Headers.GetValues("Access-Control-Allow-Headers").Single().Split(',', StringSplitOptions.TrimEntries);
        foreach (var header in (string[])["Content-Type", "Authorization", "GraphQL-Cost", "apollographql-client-name", "apollographql-client-version"])
        {
            Assert.Contains(header, headers, StringComparer.OrdinalIgnoreCase);
        }
        // A page that downloads with fetch names the file from Content-Disposition, which it may read only when exposed.
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.NotNull(download.Content.Headers.ContentDisposition);
        var exposed = download.Headers.GetValues("Access-Control-Expose-Headers").Single().Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("Content-Disposition", exposed, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("Retry-After", exposed, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Refusals_written_before_graphql_runs_answer_in_the_response_type_the_client_asked_for()
    {
        // A 400 or 413 from the endpoint was labelled application/graphql-response+json for a client that asked for
        // it, but a 429 or a 405 written earlier was application/json: the same error shape under another type.
        using var app = RateLimitedApp();
        async Task<(int Status, string? Type, string? Code)> SendAsync(string method, string? accept)
        {
            var context = await app.Server.SendAsync(http =>
            {
                http.Request.Method = method;
                http.Request.Path = "/graphql";
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(WeeksQuery));
                http.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
                if (accept is not null)
                {
                    http.Request.Headers.Accept = accept;
                }
            });
            var body = JsonDocument.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync()).RootElement;
            return (context.Response.StatusCode, context.Response.ContentType, body.TryGetProperty("errors", out _) ? body.FirstErrorCode() : null);
        }
        const string Modern = "application/graphql-response+json";

        var put = await SendAsync(HttpMethods.Put, Modern);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(HttpMethods.Post, Modern);
        }
        var limited = await SendAsync(HttpMethods.Post, Modern);
        var limitedLegacy = await SendAsync(HttpMethods.Post, "application/json");
        var limitedBare = await SendAsync(HttpMethods.Post, null);

        Assert.Equal((405, Modern + "; charset=utf-8", "METHOD_NOT_ALLOWED"), put);
        Assert.Equal((429, Modern + "; charset=utf-8", "RATE_LIMITED"), limited);
        Assert.Equal((429, "application/json; charset=utf-8", "RATE_LIMITED"), limitedLegacy);
        Assert.Equal((429, "application/json; charset=utf-8", "RATE_LIMITED"), limitedBare);
    }

    [Fact]
    public void Allowed_origins_read_as_a_list_or_one_comma_separated_value()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cors:AllowedOrigins"] = "https://a.example, https://b.example" })
            .Build();

        Assert.Equal(["https://a.example", "https://b.example"], DetainerGraph.Api.HttpProtection.AllowedOrigins(configuration));
    }

    /// <summary>Drops a table under the running server, so the next read fails inside the database provider.</summary>
    private static async Task<JsonElement> QueryBrokenStoreAsync(string environment)
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["environment"] = environment, ["GraphQL:ExposeMetrics"] = "false" });
        await app.ImportAsync("d.csv", SampleRows.Detainers);
        await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "DROP TABLE Charges"));
        return await app.QueryAsync("{ weeks { totalCount } detainers(first: 1) { nodes { charges { description } } } }");
    }

    [Fact]
    public async Task An_internal_failure_outside_development_says_nothing_of_the_engine()
    {
        var result = await QueryBrokenStoreAsync("Production");

        var text = result.ToString();
        var error = result.GetProperty("errors")[0];
        Assert.Equal("INTERNAL_SERVER_ERROR", Code(result));
        Assert.Equal(["INTERNAL_SERVER_ERROR"], error.GetProperty("extensions").GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.StartsWith("The server failed to resolve field", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        foreach (var leak in (string[])["SQLite", "Sqlite", "SQLITE", "no such table", "Charges", "   at ", "Exception", "stack"])
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }
        // Fields that did not fail still answer.
        Assert.True(result.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32() > 0);
    }

    [Fact]
    public async Task In_development_the_same_failure_shows_its_details()
    {
        var result = await QueryBrokenStoreAsync("Development");

        Assert.Contains("no such table", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_outside_graphql_execution_is_a_json_500_with_a_code()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["environment"] = "Production" });
        using var broken = app.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddSingleton<IDocumentExecuter<ISchema>, ThrowingExecuter>()));
        using var client = broken.CreateClient();

        using var response = await client.PostAsync("/graphql", new StringContent(WeeksQuery, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("INTERNAL_SERVER_ERROR", Code(JsonDocument.Parse(text).RootElement));
        Assert.DoesNotContain("secret engine detail", text, StringComparison.Ordinal);
    }

    private sealed class ThrowingExecuter : IDocumentExecuter<ISchema>
    {
        public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options) => throw new InvalidOperationException("secret engine detail");
    }

    [Fact]
    public async Task Recursive_fragments_are_refused()
    {
        using var app = new TestApp();

        var result = await app.QueryAsync("{ weeks { nodes { ...A } } } fragment A on Week { start detainers(first: 1) { nodes { week { ...B } } } } fragment B on Week { ...A }");

        Assert.Equal("NO_FRAGMENT_CYCLES", Code(result));
        Assert.False(result.TryGetProperty("data", out _));
    }

    /// <summary>Each fragment spreads the one before it <paramref name="width"/> times: width^levels pages of detainers from a few hundred bytes.</summary>
    private static string FragmentBomb(int levels, int width)
    {
        var text = new StringBuilder($"{{ ...F{levels} }}\nfragment F0 on Query {{ detainers(first: 100) {{ nodes {{ id charges {{ description }} }} }} }}\n");
        for (var level = 1; level <= levels; level++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"fragment F{level} on Query {{ {string.Concat(Enumerable.Repeat($"...F{level - 1} ", width))}}}\n");
        }
        return text.ToString();
    }

    [Fact]
    public async Task A_fragment_bomb_is_caught_by_complexity()
    {
        using var app = new TestApp();

        // 10 x 10 spreads of a 100-detainer page: within the document bounds, a hundred times over the complexity limit.
        var result = await app.QueryAsync(FragmentBomb(levels: 2, width: 10));

        Assert.Equal("COMPLEXITY", Code(result));
        Assert.False(result.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task An_exponential_fragment_bomb_is_refused_before_validation()
    {
        using var app = new TestApp();

        // 10^6 spreads: measured without expanding them (each fragment once), and refused before any rule walks them.
        var result = await app.QueryAsync(FragmentBomb(levels: 6, width: 10));

        Assert.Equal("DOCUMENT_TOO_LARGE", Code(result));
        Assert.Contains("fragments are spread out", result.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vars")]
    [InlineData("directives")]
    [InlineData("sameField")]
    [InlineData("definitions")]
    public async Task Documents_whose_validation_would_go_quadratic_are_refused_first(string shape)
    {
        using var app = new TestApp();
        var query = shape switch
        {
            "vars" => "query(" + string.Join(", ", Enumerable.Range(0, 101).Select(i => $"$v{i}: Int")) + ") { __typename }",
            "directives" => "{ __typename " + string.Concat(Enumerable.Repeat("@skip(if: false) ", 11)) + "}",
            "sameField" => "{ " + string.Concat(Enumerable.Repeat("weeks { totalCount } ", 51)) + "}",
            _ => "{ __typename } " + string.Join(' ', Enumerable.Range(0, 200).Select(i => $"fragment F{i} on Query {{ __typename }}")),
        };

        var result = await app.QueryAsync(query);

        Assert.Equal("DOCUMENT_TOO_LARGE", Code(result));
    }

    [Fact]
    public async Task Documents_at_the_bounds_are_validated_as_usual()
    {
        using var app = new TestApp();

        var vars = await app.QueryAsync("query(" + string.Join(", ", Enumerable.Range(0, 100).Select(i => $"$v{i}: Int")) + ") { __typename }");
        var same = await app.DataAsync("{ " + string.Concat(Enumerable.Repeat("weeks { totalCount } ", 50)) + "}");

        // Past the shape bounds, the usual rules answer: here, the unused variables.
        Assert.Equal("NO_UNUSED_VARIABLES", Code(vars));
        Assert.Equal(0, same.GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Thousands_of_aliased_root_fields_are_over_the_complexity_limit()
    {
        using var app = new TestApp();

        // Cheap fields, but each alias is its own SQL statement: root fields weigh 25 each.
        var result = await app.QueryAsync("{ " + string.Join(' ', Enumerable.Range(0, 2_500).Select(i => $"a{i}: weeks {{ totalCount }}")) + " }");

        Assert.Equal("COMPLEXITY", Code(result));
    }

    [Fact]
    public async Task Searches_and_statistics_weigh_more_than_lookups()
    {
        using var app = new TestApp();

        var searches = await app.QueryAsync("{ " + string.Join(' ', Enumerable.Range(0, 250).Select(i => $"s{i}: searchCharges(query: \"assault\") {{ totalCount }}")) + " }");
        var stats = await app.QueryAsync("{ " + string.Join(' ', Enumerable.Range(0, 600).Select(i => $"s{i}: detainerStats(groupBy: [STATE]) {{ count }}")) + " }");
        var few = await app.DataAsync("{ a: searchCharges(query: \"assault\") { totalCount } b: detainerStats(groupBy: [STATE]) { count } }");

        Assert.Equal("COMPLEXITY", Code(searches));
        Assert.Equal("COMPLEXITY", Code(stats));
        Assert.Equal(0, few.GetProperty("a").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("detainerStats(groupBy: [STATE, WEEK, CITIZENSHIP]) { count }")]
    [InlineData("detainerGroups(groupBy: [STATE, WEEK, CITIZENSHIP]) { totalCount }")]
    [InlineData("jurisdictions(first: 50) { nodes { stats(groupBy: [STATE, WEEK, CITIZENSHIP]) { count } } }")]
    [InlineData("facilities(first: 50) { nodes { stats(groupBy: [STATE, WEEK, CITIZENSHIP]) { count } } }")]
    public Task Every_grouped_count_is_priced_by_its_dimensions_so_twenty_aliased_ones_are_refused_before_they_run(string grouped) =>
        AliasedRefusedBeforeTheyRunButOneRunsAsync(grouped, aliases: 20);

    /// <summary>
    /// <paramref name="aliases"/> copies of <paramref name="grouped"/> in one request are refused with COMPLEXITY before any
    /// SQL runs, and one of them alone (an ordinary question) is answered.
    /// </summary>
    private static async Task AliasedRefusedBeforeTheyRunButOneRunsAsync(string grouped, int aliases)
    {
        using var app = new TestApp();
        await app.QueryAsync("{ __typename }"); // started: its migrations are not this request's SQL

        app.Sql.Clear();
        var many = await app.QueryAsync("{ " + string.Join(' ', Enumerable.Range(0, aliases).Select(i => $"g{i}: {grouped}")) + " }");
        Assert.Equal("COMPLEXITY", Code(many));
        Assert.Empty(app.Sql.Commands);

        var one = await app.QueryAsync("{ " + grouped + " }");
        Assert.False(one.TryGetProperty("errors", out var errors), errors.ToString());
    }

    [Theory]
    [InlineData("detainerStats(groupBy: [CHARGE_CATEGORY, STATE, OUTCOME], includeSynthetic: true) { count }")]
    [InlineData("detainerStats(groupBy: [JURISDICTION_RESOLUTION, STATE, OUTCOME]) { count }")]
    [InlineData("detainerGroups(groupBy: [STATE, OUTCOME, CHARGE_CATEGORY]) { totalCount }")]
    public Task A_grouped_count_that_reads_the_detainer_table_is_priced_for_it_so_eight_aliases_are_refused_and_one_runs(string grouped) =>
        AliasedRefusedBeforeTheyRunButOneRunsAsync(grouped, aliases: 8);

    [Fact]
    public async Task Eight_grouped_counts_the_rollups_answer_still_run()
    {
        using var app = new TestApp();

        var eight = await app.QueryAsync("{ " + string.Join(' ', Enumerable.Range(0, 8).Select(i => $"g{i}: detainerStats(groupBy: [JURISDICTION, WEEK, OUTCOME]) {{ count }}")) + " }");

        Assert.False(eight.TryGetProperty("errors", out var errors), errors.ToString());
    }

    [Fact]
    public async Task A_mutation_of_a_field_that_does_not_exist_is_refused_with_a_code_before_it_is_validated()
    {
        using var app = new TestApp();

        var result = await app.QueryAsync("mutation { anything }");

        // Mutations are authenticated once per operation before anything else: this app has no signing key.
        Assert.Equal("AUTH_NOT_CONFIGURED", Code(result));
    }
}
