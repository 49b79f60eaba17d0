using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Tests.Infrastructure;
using GraphQL;
using GraphQL.Execution;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// What an error answer may carry: quotes of the client's text cut short whoever wrote the message, only the codes this
/// API documents, the page size named as the mistake before the cost it would have had, and a GET's JSON null read as
/// it is in a POST.
/// </summary>
public sealed class ErrorAnswerTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["GraphQL:ExposeMetrics"] = "false" });

    public void Dispose() => _app.Dispose();

    /// <summary>Close to the request body limit (256 KB), so one echo would be a quarter of a megabyte.</summary>
    private static readonly string Huge = new('x', 200_000);

    private async Task<(HttpStatusCode Status, string Text)> PostRawAsync(string query, object? variables = null)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static JsonElement OnlyError(string text)
    {
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.Equal(1, errors.GetArrayLength());
        return errors[0].Clone();
    }

    /// <summary>
    /// GraphQL.NET's validation and variable messages quoted the client's value whole: a literal string where an Int goes,
    /// a bare enum value, a variable's value of the wrong type, an unknown input field's name. Each is cut to its first
    /// 64 characters (80 for a bare one) with an ellipsis, and the message still says which argument or variable failed and what was expected.
    /// </summary>
    [Theory]
    [InlineData("literal string for an Int", "{ detainers(first: \"HUGE\") { totalCount } }", false, "'first'", "'Int'")]
    [InlineData("literal enum value", "{ detainers(where: { outcome: { eq: HUGE } }) { totalCount } }", false, "'where'", "'DetainerOutcome'")]
    [InlineData("literal string for a Date", "{ weeklyReport(start: \"HUGE\") { __typename } }", false, "'start'", "'Date'")]
    [InlineData("variable for an Int", "query($f: Int) { detainers(first: $f) { totalCount } }", true, "'$f'", "'Int'")]
    [InlineData("variable for a Date", "query($w: DetainerFilterInput) { detainers(where: $w) { totalCount } }", true, "'$w.issuedOn.eq'", "'Date'")]
    [InlineData("unknown input field", "query($w: DetainerFilterInput) { detainers(where: $w) { totalCount } }", true, "'$w'", "'DetainerFilterInput'")]
    public async Task An_error_quotes_at_most_the_start_of_a_huge_client_value(string what, string query, bool asVariable, string names, string expected)
    {
        object? variables = !asVariable ? null
            : what == "variable for an Int" ? new Dictionary<string, object?> { ["f"] = Huge }
            : what == "variable for a Date" ? new Dictionary<string, object?> { ["w"] = new Dictionary<string, object?> { ["issuedOn"] = new Dictionary<string, object?> { ["eq"] = Huge } } }
            : new Dictionary<string, object?> { ["w"] = new Dictionary<string, object?> { [Huge] = 1 } };
        var (_, text) = await PostRawAsync(asVariable ? query : query.Replace("HUGE", Huge, StringComparison.Ordinal), variables);

        var message = OnlyError(text).GetProperty("message").GetString()!;
        Assert.True(text.Length < 2_000, $"{what}: the answer is {text.Length} characters");
        // Quoted values are cut to 64 characters, values GraphQL.NET prints bare (an enum value) to 80.
        Assert.Contains(new string('x', ClientText.MaxQuotedInMessage) + "…", message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', ClientText.MaxUnbroken + 1), message, StringComparison.Ordinal);
        Assert.Contains(names, message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A list literal of many bad values makes GraphQL.NET repeat a part per element, each part short: the message as a
    /// whole is held to <see cref="ClientText.MaxMessage"/>, cut in the middle so that its start and end stay.
    /// </summary>
    [Fact]
    public async Task A_message_that_repeats_a_part_per_bad_list_element_is_cut_in_the_middle()
    {
        var values = string.Join(", ", Enumerable.Repeat("NOPE", 5_000));
        var (_, text) = await PostRawAsync($"{{ detainers(where: {{ outcome: {{ in: [{values}] }} }}) {{ totalCount }} }}");

        var message = OnlyError(text).GetProperty("message").GetString()!;
        Assert.Equal(ClientText.MaxMessage, message.Length);
        Assert.StartsWith("Argument 'where' has invalid value.", message, StringComparison.Ordinal);
        Assert.Contains("…", message, StringComparison.Ordinal);
        Assert.EndsWith("found NOPE.]]]", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unable to convert 'it's here' to 'Int'", "Unable to convert 'it's here' to 'Int'")]
    [InlineData("`Detainer:7` is not a DetainerGraph ID.", "`Detainer:7` is not a DetainerGraph ID.")]
    [InlineData("Error parsing query: Expected Name, found EOF; for more information see http://spec.graphql.org/October2021/#Field",
        "Error parsing query: Expected Name, found EOF; for more information see http://spec.graphql.org/October2021/#Field")]
    public void Messages_without_long_quotes_are_kept_as_they_are(string message, string expected) =>
        Assert.Equal(expected, ClientText.BoundMessage(message));

    [Fact]
    public void Quotes_with_quote_characters_inside_are_cut_at_their_real_end()
    {
        var value = "it's " + new string('y', 100) + "' to 'Int' and more";
        var bounded = ClientText.BoundMessage($"Variable '$v' is invalid. Unable to convert '{value}' to 'Date'");

        Assert.True(bounded.Length < 200, bounded);
        Assert.StartsWith("Variable '$v' is invalid. Unable to convert 'it's ", bounded, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('y', ClientText.MaxUnbroken + 1), bounded, StringComparison.Ordinal);
    }

    /// <summary>
    /// A message full of quotes that open and never close (<c>-'a</c> repeated) is read in one pass: searching for each
    /// quote's end from the quote would take tens of billions of steps for text the body limit allows. The searches'
    /// own count of characters read is held to twice the message (one pass per quote character), not a clock.
    /// </summary>
    [Theory]
    [InlineData("-'a")]
    [InlineData("-\"a")]
    [InlineData("-'a-\"b")]
    public void A_message_full_of_unclosed_quotes_is_bounded_in_one_pass(string unit)
    {
        var message = "Cannot read " + string.Concat(Enumerable.Repeat(unit, 100_000));

        var bounded = ClientText.BoundMessage(message, out var steps);

        Assert.InRange(steps, 1, 2 * message.Length);
        Assert.Equal(ClientText.MaxMessage, bounded.Length);
        Assert.StartsWith("Cannot read " + unit + unit, bounded, StringComparison.Ordinal);
    }

    /// <summary>
    /// Variables of the wrong type fail as <c>INVALID_VALUE</c>; GraphQL.NET listed the .NET exception behind each in
    /// <c>codes</c> (<c>FORMAT</c> for a bad date, <c>OVERFLOW</c> for a number past Int, <c>INVALID_OPERATION</c> for a
    /// string where an Int goes). <c>codes</c> now holds the error's own code alone.
    /// </summary>
    [Theory]
    [InlineData("query($d: Date!) { weeklyReport(start: $d) { __typename } }", "d", "2017-02-30")]
    [InlineData("query($f: Int) { detainers(first: $f) { totalCount } }", "f", 99_999_999_999L)]
    [InlineData("query($f: Int) { detainers(first: $f) { totalCount } }", "f", "ten")]
    [InlineData("query($f: Int) { detainers(first: $f) { totalCount } }", "f", 1.5)]
    [InlineData("query($id: ID!) { detainer(id: $id) { id } }", "id", true)]
    public async Task A_variable_error_carries_only_its_own_documented_code(string query, string name, object value)
    {
        var (_, text) = await PostRawAsync(query, new Dictionary<string, object?> { [name] = value });

        var extensions = OnlyError(text).GetProperty("extensions");
        Assert.Equal("INVALID_VALUE", extensions.GetProperty("code").GetString());
        Assert.Equal(["INVALID_VALUE"], extensions.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    /// <summary>
    /// In Development an unexpected failure keeps its message and details, but its code was the exception's type name
    /// (<c>SQLITE</c> for a missing table): it is <c>INTERNAL_SERVER_ERROR</c> in every environment.
    /// </summary>
    [Fact]
    public async Task An_unexpected_failure_in_development_is_coded_internal_server_error_not_by_its_exception_type()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["environment"] = "Development", ["GraphQL:ExposeMetrics"] = "false" });
        await app.ImportAsync("d.csv", SampleRows.Detainers);
        await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "DROP TABLE Charges"));

        var result = await app.QueryAsync("{ detainers(first: 1) { nodes { charges { description } } } }");

        var extensions = result.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Contains("no such table", result.ToString(), StringComparison.Ordinal);
        Assert.Equal("INTERNAL_SERVER_ERROR", extensions.GetProperty("code").GetString());
        Assert.Equal(["INTERNAL_SERVER_ERROR"], extensions.GetProperty("codes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void Codes_named_after_dotnet_exceptions_are_replaced_and_graphqls_own_are_kept()
    {
        var provider = new ClientErrorInfoProvider(new ErrorInfoProviderOptions());

        string[] Codes(ExecutionError error)
        {
            var extensions = provider.GetInfo(error).Extensions!;
            return [(string)extensions["code"]!, .. (IEnumerable<string>)extensions["codes"]!];
        }

        Assert.Equal(["INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR"], Codes(new ExecutionError("x", new InvalidOperationException("y"))));
        Assert.Equal(["INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR"], Codes(new ExecutionError("x", new FormatException("y", new OverflowException()))));
        Assert.Equal(["INTERNAL_SERVER_ERROR", "INTERNAL_SERVER_ERROR"], Codes(new ExecutionError("x")));
        Assert.Equal(["INVALID_VALUE", "INVALID_VALUE"], Codes(new ExecutionError("x", new FormatException("y")) { Code = "INVALID_VALUE" }));
        Assert.Equal(["PAGE_SIZE_OUT_OF_RANGE", "PAGE_SIZE_OUT_OF_RANGE"], Codes(new ExecutionError("x") { Code = "PAGE_SIZE_OUT_OF_RANGE" }));
    }

    /// <summary>
    /// A page size past the maximum is the client's mistake, and is named as such: the cost analysis priced the selection
    /// by the page size asked for and refused <c>first: 2147483647</c> as <c>COMPLEXITY</c>. Every connection field, each
    /// with its own maximum, by literal and by variable, <c>first</c> and <c>last</c>; the field is null and the rest of
    /// the answer stands.
    /// </summary>
    [Theory]
    [InlineData("{ weeks { totalCount } a: detainers(first: 2147483647) { nodes { id outcome } } }", null, 100)]
    [InlineData("{ weeks { totalCount } a: detainers(last: 2147483647) { edges { node { id } } } }", null, 100)]
    [InlineData("query($n: Int) { weeks { totalCount } a: jurisdictions(first: $n) { nodes { id name } } }", 2147483647, 100)]
    [InlineData("query($n: Int) { weeks { totalCount } a: facilities(last: $n) { nodes { id } } }", 1_000_000, 100)]
    [InlineData("query($n: Int) { weeks { totalCount } a: weeks(first: $n) { nodes { start } } }", 2147483647, 100)]
    [InlineData("{ weeks { totalCount } a: searchCharges(query: \"dui\", first: 2147483647) { nodes { charge { description } } } }", null, 100)]
    [InlineData("{ weeks { totalCount } a: detainerStats(groupBy: [OUTCOME], first: 2147483647) { count outcomes { count } } }", null, 1000)]
    [InlineData("query($n: Int) { weeks { totalCount } a: detainerGroups(groupBy: [OUTCOME], last: $n) { nodes { count } } }", 2147483647, 1000)]
    public async Task A_page_size_past_the_maximum_is_page_size_out_of_range_however_costly_it_would_be(string query, int? size, int max)
    {
        var result = await _app.QueryAsync(query, size is null ? null : new { n = size });

        var error = result.GetProperty("errors")[0];
        Assert.True(result.GetProperty("errors").GetArrayLength() == 1, result.ToString());
        Assert.Equal("PAGE_SIZE_OUT_OF_RANGE", error.Code());
        Assert.Contains($"between 0 and {max}", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("a", error.GetProperty("path")[0].GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("a").ValueKind);
        Assert.Equal(JsonValueKind.Number, result.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").ValueKind);
    }

    /// <summary>
    /// A search query the field refuses is named as such, however costly its words would be to search: priced by its words
    /// and letters, 3,000 characters of words were refused as <c>COMPLEXITY</c>, and so were six aliases of a 33-word query.
    /// </summary>
    [Theory]
    [InlineData(1500, 1, "SEARCH_QUERY_TOO_LONG")]
    [InlineData(5000, 1, "SEARCH_QUERY_TOO_LONG")]
    [InlineData(33, 6, "SEARCH_QUERY_TOO_COMPLEX")]
    public async Task A_search_query_the_field_refuses_is_its_own_code_however_costly_its_words(int words, int aliases, string code)
    {
        var q = string.Join(' ', Enumerable.Repeat(words > 100 ? "x" : "assault", words));
        var fields = string.Join(' ', Enumerable.Range(0, aliases).Select(i =>
            $"a{i}: searchCharges(query: $q, first: 100) {{ totalCount nodes {{ why {{ word }} charge {{ description }} detainer {{ id }} }} }}"));
        var result = await _app.QueryAsync($"query($q: String!) {{ weeks {{ totalCount }} {fields} }}", new { q });

        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(aliases, errors.Count);
        Assert.All(errors, e => Assert.Equal(code, e.Code()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("a0").ValueKind);
        Assert.Equal(JsonValueKind.Number, result.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").ValueKind);
    }

    [Fact]
    public async Task A_nested_connection_past_the_maximum_is_page_size_out_of_range_for_each_parent()
    {
        await _app.ImportAsync("d.csv", SampleRows.Detainers);

        var result = await _app.QueryAsync("query($n: Int) { jurisdictions(first: 100) { nodes { name detainers(first: $n) { nodes { id } } } } }", new { n = int.MaxValue });

        var errors = result.GetProperty("errors").EnumerateArray().ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("PAGE_SIZE_OUT_OF_RANGE", e.Code()));
    }

    /// <summary>
    /// Valid page sizes are priced as before (a hundred jurisdictions, each with a hundred detainers, is too costly),
    /// and a negative page size, which the field refuses, no longer makes what it selects cost less than nothing.
    /// </summary>
    [Fact]
    public async Task Valid_page_sizes_are_still_priced_and_a_negative_one_costs_nothing_below_zero()
    {
        var costly = await _app.QueryAsync("{ jurisdictions(first: 100) { nodes { detainers(first: 100) { nodes { id outcome issuedOn outcomeRecordedOn isSynthetic placeOfBirth } } } } }");
        Assert.Equal("COMPLEXITY", costly.FirstErrorCode());

        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = JsonContent.Create(new { query = "{ weeks { totalCount } detainers(first: -1000000) { nodes { id outcome } } }" }),
        };
        request.Headers.Add("GraphQL-Cost", "validate");
        using var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var requested = body.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble();
        Assert.InRange(requested, 0, 1_000);
    }

    /// <summary>
    /// An export's parameters that parse but cannot be read as variables (a lone surrogate) are refused without the
    /// reader's exception message, which named <c>GraphQL.Inputs</c>; a syntax error still says where it is.
    /// </summary>
    [Theory]
    [InlineData("{\"outcome\":{\"eq\":\"\\ud800\"}}", "could not be read")]
    [InlineData("{\"outcome\":{\"eq\":1e}}", "BytePositionInLine")]
    public async Task An_export_parameter_that_cannot_be_read_is_refused_without_dotnet_names(string where, string why)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/export/detainers.csv?where=" + Uri.EscapeDataString(where));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_REQUEST", body.FirstErrorCode());
        var message = body.GetProperty("errors")[0].GetProperty("message").GetString()!;
        Assert.Contains(why, message, StringComparison.Ordinal);
        Assert.DoesNotContain("GraphQL.", message, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string query, params (string Name, string Value)[] parameters)
    {
        using var client = _app.CreateClient();
        var url = "/graphql?query=" + Uri.EscapeDataString(query) + string.Concat(parameters.Select(p => $"&{p.Name}={Uri.EscapeDataString(p.Value)}"));
        using var response = await client.GetAsync(url);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>A GET's <c>variables</c> and <c>extensions</c> are JSON, and JSON null means none, as in a POST body.</summary>
    [Theory]
    [InlineData("variables", "null")]
    [InlineData("variables", " null ")]
    [InlineData("extensions", "null")]
    public async Task A_get_with_json_null_variables_or_extensions_executes(string name, string value)
    {
        var (status, body) = await GetAsync("query($n: Int) { weeks(first: $n) { totalCount } }", (name, value));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("variables", "[]", "an array")]
    [InlineData("variables", "1", "a number")]
    [InlineData("variables", "\"{}\"", "a string")]
    [InlineData("extensions", "true", "a boolean")]
    [InlineData("variables", "{", "is not valid JSON")]
    [InlineData("variables", "{\"n\":\"\\ud800\"}", "could not be read")]
    public async Task A_get_with_variables_or_extensions_that_are_not_an_object_is_400_saying_so(string name, string value, string why)
    {
        var (status, body) = await GetAsync("query($n: Int) { weeks(first: $n) { totalCount } }", (name, value));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_REQUEST", body.FirstErrorCode());
        var message = body.GetProperty("errors")[0].GetProperty("message").GetString()!;
        Assert.StartsWith($"`{name}`", message, StringComparison.Ordinal);
        Assert.Contains(why, message, StringComparison.Ordinal);
        Assert.DoesNotContain("GraphQL.Inputs", message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A parameter given twice was read as its first value, the rest dropped: a cache or proxy that reads the last one
    /// would key or log another request than the one that ran.
    /// </summary>
    [Theory]
    [InlineData("query", "{ __typename }")]
    [InlineData("operationName", "A")]
    [InlineData("variables", "{}")]
    [InlineData("extensions", "{}")]
    public async Task A_get_with_a_graphql_parameter_given_twice_is_400_naming_it(string name, string value)
    {
        var (status, body) = name == "query"
            ? await GetAsync("query A { weeks(first: 1) { totalCount } }", (name, value))
            : await GetAsync("query A { weeks(first: 1) { totalCount } }", (name, value), (name, value));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_REQUEST", body.FirstErrorCode());
        Assert.Equal($"`{name}` is given 2 times; give each GraphQL parameter once.", body.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    /// <summary>
    /// Messages quote the schema's names (a type expected, an argument, a field): none is long enough to be cut, so a
    /// message never names a type that does not exist (a review found 'JurisdictionResolutionOperationFilterInp…').
    /// </summary>
    [Fact]
    public void Every_name_of_the_schema_stays_whole_in_a_message()
    {
        var sdl = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "schema", "schema.graphql"));
        var names = System.Text.RegularExpressions.Regex.Matches(sdl, "[A-Za-z_][A-Za-z0-9_]*").Select(m => m.Value).Distinct().ToList();
        var longest = names.MaxBy(n => n.Length)!;

        Assert.InRange(longest.Length, 1, ClientText.MaxQuotedInMessage);
        var message = $"Argument 'where' has invalid value. Expected type '{longest}', found \"{new string('x', 500)}\".";
        Assert.Contains($"'{longest}'", ClientText.BoundMessage(message), StringComparison.Ordinal);
    }
}
