using System.Net;
using System.Text.Json;
using DetainerGraph.Export;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>GET /export/…: every matching row as CSV or NDJSON, with the API's where/order language.</summary>
public sealed class ExportTests : IAsyncLifetime, IDisposable
{
    private const string Hostile = """"
        detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status
        h1,OR,Lane County,"=HYPERLINK(""http://evil.example"",""x"")",Eugene,+cmd|' /C calc'!A0,I-247D,2017-03-01,Lifted,2017-03-02,,"-2+3, ""quoted""",Charge

        """";

    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.ImportAsync("fixture.csv", FilterFixture.Detainers);
        await _app.ImportAsync("hostile.csv", Hostile);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private async Task<(HttpStatusCode Status, string ContentType, string Body)> GetAsync(string url)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(url);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsStringAsync());
    }

    private static string Q(string json) => Uri.EscapeDataString(json);

    [Fact]
    public void Columns_are_only_added_after_the_ones_already_released()
    {
        // The detainer export's columns as the first release wrote them: a script that reads them by position must keep
        // reading the same ones after a release adds columns.
        string[] released =
        [
            "id", "issuedOn", "outcome", "outcomeAsPublished", "outcomeRecordedOn", "weekStart", "detainerType", "citizenship",
            "jurisdictionId", "jurisdictionName", "jurisdictionState", "jurisdictionFips", "jurisdictionFieldOffice",
            "facilityId", "facilityName", "facilityCity", "facilityState", "charges", "chargeCategories", "retracted",
            "sourceFile", "sourceLine", "sourceKind", "sourceUrl",
        ];

        Assert.Equal(released, DetainerExportRow.Header.Take(released.Length));
        Assert.Equal(DetainerExportRow.Header.Length, DetainerExportRow.Header.Distinct().Count());
    }

    [Fact]
    public async Task A_filtered_sorted_CSV_holds_every_matching_row_with_its_id_and_provenance()
    {
        var (status, type, body) = await GetAsync($"/export/detainers.csv?where={Q("""{"jurisdiction":{"state":{"eq":"TX"}}}""")}&order={Q("""[{"issuedOn":"ASC"}]""")}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("text/csv", type, StringComparison.Ordinal);
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(",", DetainerExportRow.Header), lines[0]);
        Assert.Equal(4, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var column = (string name) => Array.IndexOf(DetainerExportRow.Header, name);
        Assert.Equal(["2016-12-01", "2017-01-20", "2017-01-25"], rows.Select(r => r[column("issuedOn")]));
        Assert.Equal(["DECLINED_BY_LEA", "DECLINED_BY_LEA", "BOOKED_INTO_DETENTION"], rows.Select(r => r[column("outcome")]));
        Assert.All(rows, r => Assert.Equal("fixture.csv", r[column("sourceFile")]));
        Assert.All(rows, r => Assert.Equal("FILE", r[column("sourceKind")]));
        // d1's two charges are one cell; its first line in the file is line 2.
        var d1 = rows[1];
        Assert.Equal("Driving Under Influence Liquor; Cocaine - Sell", d1[column("charges")]);
        Assert.Equal("2", d1[column("sourceLine")]);
        // The ID is the API's global ID: node(id:) fetches the same detainer.
        var node = await _app.DataAsync($"{{ node(id: \"{d1[column("id")]}\") {{ ... on Detainer {{ issuedOn facility {{ name }} }} }} }}");
        Assert.Equal("2017-01-20", node.GetProperty("node").GetProperty("issuedOn").GetString());
    }

    [Fact]
    public async Task Cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised()
    {
        var (_, _, body) = await GetAsync($"/export/detainers.csv?where={Q("""{"jurisdiction":{"state":{"eq":"OR"}}}""")}");

        var row = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"", row, StringComparison.Ordinal);
        Assert.Contains(",'+cmd|' /C calc'!A0,", row, StringComparison.Ordinal);
        Assert.Contains("\"'-2+3, \"\"quoted\"\"\"", row, StringComparison.Ordinal);
        Assert.Equal("'@SUM(A1)", CsvExportWriter.Cell("@SUM(A1)"));
        Assert.Equal("'\tx", CsvExportWriter.Cell("\tx"));
        Assert.Equal("plain", CsvExportWriter.Cell("plain"));
    }

    [Fact]
    public async Task NDJSON_is_one_object_per_row_with_numbers_as_numbers()
    {
        var (status, type, body) = await GetAsync("/export/detainers.ndjson");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("application/x-ndjson", type, StringComparison.Ordinal);
        var rows = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(7, rows.Count);
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Number, r.GetProperty("sourceLine").ValueKind));
        Assert.All(rows, r => Assert.Equal(JsonValueKind.False, r.GetProperty("retracted").ValueKind));
        Assert.Equal(JsonValueKind.Null, rows.Single(r => r.GetProperty("outcome").GetString() == "OPEN").GetProperty("outcomeRecordedOn").ValueKind);
    }

    [Fact]
    public async Task A_stats_export_has_the_keys_the_total_and_a_column_per_outcome()
    {
        var (status, _, body) = await GetAsync($"/export/detainer-stats.csv?groupBy=ISSUED_YEAR,JURISDICTION&order=KEY_ASC&where={Q("""{"jurisdiction":{"state":{"eq":"TX"}}}""")}");

        Assert.Equal(HttpStatusCode.OK, status);
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["issuedYear", "jurisdictionId", "jurisdictionName", "jurisdictionState", "count", "OPEN", "BOOKED_INTO_DETENTION", "DECLINED_BY_LEA"], header.Take(8));
        Assert.Equal(3, lines.Length);
        var harris = lines[1].Split(',');
        Assert.Equal(["2016", "Harris County", "TX", "1", "0", "0", "1"], new[] { harris[0], harris[2], harris[3], harris[4], harris[5], harris[6], harris[7] });
        var travis = lines[2].Split(',');
        Assert.Equal(["2017", "Travis County", "2", "0", "1", "1"], new[] { travis[0], travis[2], travis[4], travis[5], travis[6], travis[7] });
    }

    [Theory]
    [InlineData("/export/detainers.csv?where=%7B%22nope%22%3A1%7D", HttpStatusCode.BadRequest, null)]
    [InlineData("/export/detainers.csv?where=%7Bnot%20json", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("/export/detainers.csv?page=2", HttpStatusCode.BadRequest, "INVALID_REQUEST")]
    [InlineData("/export/detainer-stats.csv?groupBy=DECADE", HttpStatusCode.BadRequest, null)]
    [InlineData("/export/detainers.xlsx", HttpStatusCode.NotFound, "NOT_FOUND")]
    [InlineData("/export/secrets.csv", HttpStatusCode.NotFound, "NOT_FOUND")]
    public async Task Bad_export_parameters_get_a_coded_error_before_any_row(string url, HttpStatusCode expected, string? code)
    {
        var (status, type, body) = await GetAsync(url);

        Assert.Equal(expected, status);
        Assert.StartsWith("application/json", type, StringComparison.Ordinal);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];
        var actual = error.GetProperty("extensions").GetProperty("code").GetString();
        Assert.False(string.IsNullOrEmpty(actual));
        Assert.NotEqual("INTERNAL_SERVER_ERROR", actual);
        if (code is not null)
        {
            Assert.Equal(code, actual);
        }
    }

    [Fact]
    public async Task A_bad_value_in_a_parameter_is_answered_without_locations_in_a_document_the_client_never_wrote()
    {
        // The export runs a document of its own: GraphQL's locations and path into it (line 1, column 7) told a
        // spreadsheet user or a front end nothing, and looked like a position in their URL.
        var (status, _, body) = await GetAsync($"/export/detainers.csv?where={Q("{\"outcome\":{\"eq\":\"declined\"}}")}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var root = JsonDocument.Parse(body).RootElement;
        var error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.Equal("INVALID_VALUE", error.Code());
        Assert.Contains("declined", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(error.TryGetProperty("locations", out _), body);
        Assert.False(error.TryGetProperty("path", out _), body);
        Assert.False(root.TryGetProperty("data", out _), body);
    }

    [Theory]
    [InlineData("detainers")]
    [InlineData("detainer-stats")]
    public async Task A_where_wider_than_the_filter_limits_is_a_coded_400_before_any_row(string export)
    {
        var conditions = string.Join(",", Enumerable.Range(0, DetainerGraph.Api.Filtering.FilterLimits.MaxConditions + 1)
            .Select(i => "{\"citizenship\":{\"eq\":\"C" + i + "\"}}"));

        var (status, type, body) = await GetAsync($"/export/{export}.csv?where={Q("{\"or\":[" + conditions + "]}")}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("application/json", type, StringComparison.Ordinal);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];
        Assert.Equal(DetainerGraph.Api.Filtering.FilterLimits.FilterTooComplexCode, error.GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_export_is_charged_to_the_rate_limit_like_many_requests()
    {
        using var limited = new TestApp(settings: new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:Burst"] = "30",
            ["RateLimiting:PermitsPerPeriod"] = "1",
            ["RateLimiting:Period"] = "01:00:00",
            ["Export:Permits"] = "20",
        });
        using var client = limited.CreateClient();
        using var first = await client.GetAsync("/export/detainers.csv");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await client.GetAsync("/export/detainers.csv");
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        // Written before GraphQL runs, and shaped like every GraphQL error: code, and codes holding it alone.
        var refusal = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal("RATE_LIMITED", refusal.Code());
        Assert.Equal(["RATE_LIMITED"], refusal.GetProperty("extensions").GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
        Assert.True(second.Headers.Contains("Retry-After"));
    }
}
