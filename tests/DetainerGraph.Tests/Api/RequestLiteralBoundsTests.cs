using System.Net;
using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// Hostile-input wave 22: values a request writes that the readers let through. A number of many digits in the JSON
/// variables (a 250,000-digit one held a core 35 s as a String variable, 75 s in a <c>where</c>: GraphQL.NET formats it
/// into its error message in time quadratic in its digits), or as a literal in the document (an ID, 1.6 s); and an
/// escaped lone surrogate in a string literal, which SQLite stored as U+FFFD (<see cref="DocumentLiterals"/>).
/// </summary>
public sealed class RequestLiteralBoundsTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>60,000 digits: about 2 s of formatting each without the bound (250,000 took 35 to 75 s), refused at once with it.</summary>
    private static readonly string ManyDigits = new('9', 60_000);

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string json)
    {
        using var client = _app.CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/graphql", UriKind.Relative), content);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string Message(JsonElement body) => body.GetProperty("errors")[0].GetProperty("message").GetString()!;

    [Theory]
    [InlineData("query($x: String!) { searchCharges(query: $x) { totalCount } }", "{\"x\": N}")]
    [InlineData("query($x: Boolean) { detainers(includeRetracted: $x) { totalCount } }", "{\"x\": N}")]
    [InlineData("query($x: Date!) { week(start: $x) { start } }", "{\"x\": N}")]
    [InlineData("query($x: DetainerFilterInput) { detainers(where: $x) { totalCount } }", "{\"x\": {\"citizenship\": {\"in\": [\"a\", N]}}}")]
    [InlineData("query($x: ID!) { node(id: $x) { id } }", "{\"x\": N}")]
    [InlineData("query($x: Int) { weeks(first: $x) { totalCount } }", "{\"x\": -N}")]
    [InlineData("query($x: String) { __typename }", "{\"x\": 0.N}")]
    public async Task A_variable_number_longer_than_the_bound_is_400_before_it_is_read(string query, string variables)
    {
        var json = $"{{\"query\": {JsonSerializer.Serialize(query)}, \"variables\": {variables.Replace("N", ManyDigits, StringComparison.Ordinal)}}}";

        var (status, body) = await PostRawAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_REQUEST", body.FirstErrorCode());
        Assert.StartsWith("`variables` holds a number 60,0", Message(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_number_in_extensions_or_in_a_batch_item_is_refused_the_same_way()
    {
        var (status, body) = await PostRawAsync($"{{\"query\": \"{{ __typename }}\", \"extensions\": {{\"trace\": [{ManyDigits}]}}}}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("`extensions` holds a number", Message(body), StringComparison.Ordinal);

        (status, body) = await PostRawAsync($"[{{\"query\": \"{{ __typename }}\"}}, {{\"query\": \"query($x: String) {{ __typename }}\", \"variables\": {{\"x\": {ManyDigits}}}}}]");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Batch item 1: `variables` holds a number", Message(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_at_the_bound_is_still_read_as_a_value()
    {
        var atBound = new string('1', LongNumbers.MaxLength);

        var (status, body) = await PostRawAsync($"{{\"query\": \"query($x: Int) {{ weeks(first: $x) {{ totalCount }} }}\", \"variables\": {{\"x\": {atBound}}}}}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("INVALID_VALUE", body.FirstErrorCode());
    }

    [Fact]
    public async Task A_get_or_an_export_with_a_long_number_is_400()
    {
        using var client = _app.CreateClient();
        var number = new string('9', 2_000);

        using var get = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("query($x: Date!) { week(start: $x) { start } }")
            + "&variables=" + Uri.EscapeDataString($"{{\"x\": {number}}}"));
        var getBody = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("INVALID_REQUEST", getBody.FirstErrorCode());
        Assert.StartsWith("`variables` holds a number 2,000 characters long", Message(getBody), StringComparison.Ordinal);

        using var export = await client.GetAsync("/export/detainers.csv?where=" + Uri.EscapeDataString($"{{\"citizenship\": {{\"eq\": {number}}}}}"));
        var exportBody = JsonDocument.Parse(await export.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, export.StatusCode);
        Assert.Equal("INVALID_REQUEST", exportBody.FirstErrorCode());
        Assert.StartsWith("An export parameter holds a number 2,0", Message(exportBody), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ node(id: N) { id } }")]
    [InlineData("{ node(id: 1.N) { id } }")]
    [InlineData("query($x: ID = N) { node(id: $x) { id } }")]
    [InlineData("{ detainers(where: { id: { in: [\"a\", N] } }) { totalCount } }")]
    public async Task A_number_literal_longer_than_the_bound_is_refused_before_validation(string query)
    {
        var body = await _app.QueryAsync(query.Replace("N", ManyDigits, StringComparison.Ordinal));

        Assert.Equal(DocumentLimits.TooLargeCode, body.FirstErrorCode());
        Assert.StartsWith("The document holds a number 60,0", Message(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ detainers(where: { citizenship: { eq: "Mex\ud800ico" } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { citizenship: { in: ["a", "\udc00"] } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { citizenship: { eq: "\udc00\ud800" } }) { totalCount } }""")]
    [InlineData("""{ searchCharges(query: "dui \ud800") { totalCount } }""")]
    [InlineData("""query($x: String = "\ud800") { detainers(where: { citizenship: { eq: $x } }) { totalCount } }""")]
    public async Task An_escaped_lone_surrogate_in_a_string_literal_is_a_syntax_error(string query)
    {
        var body = await _app.QueryAsync(query);

        Assert.Equal(DocumentLiterals.SyntaxErrorCode, body.FirstErrorCode());
        Assert.Contains("lone surrogate", Message(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_escaped_surrogate_pair_is_text()
    {
        var data = await _app.DataAsync("""{ detainers(where: { citizenship: { eq: "\ud83d\ude00" } }) { totalCount } }""");

        Assert.Equal(0, data.GetProperty("detainers").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_correction_written_with_a_lone_surrogate_is_refused_and_nothing_is_stored()
    {
        using var app = EditorClient.NewApp();
        await EditorClient.ImportFixtureAsync(app);
        var id = (await app.DataAsync("{ detainers(first: 1) { nodes { id } } }")).GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString();
        var before = await app.WithDbAsync(db => db.Corrections.CountAsync());

        var body = await app.PostAsync(
            $$"""mutation { correctDetainer(input: { id: "{{id}}", field: CITIZENSHIP, newValue: "Mex\ud800ico", reason: "r", source: "s" }) { correction { newValue } } }""",
            null, EditorClient.Token(app));

        // Without the check SQLite stored "Mex\uFFFDico", and the answer published it.
        Assert.Equal(DocumentLiterals.SyntaxErrorCode, body.FirstErrorCode());
        Assert.Equal(before, await app.WithDbAsync(db => db.Corrections.CountAsync()));
    }
}
