using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// The API audit of 2026-12-01, each finding by its class and through HTTP: error messages never echo a client's text
/// whole, the price of search facets follows the buckets they resolve, a sort key is a field (not a list item), and
/// an ID is read one way whatever field reads it.
/// </summary>
public sealed class ClientInputBoundsTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private readonly TestApp _app = sample.App;

    private static string? Code(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) ? errors[0].Code() : null;

    private static string Aliases(int count, string field) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"a{i}: {field}"));

    [Fact]
    public async Task An_id_variable_read_by_many_fields_is_quoted_short_in_each_error()
    {
        // On main each of the 160 errors quoted the whole 20,000-character ID: a 20 KB request answered 3 MB (a 240 KB
        // one, 47 MB and nine seconds).
        var query = "query($i: ID!) { " + Aliases(40, "detainer(id: $i) { id }") + " " +
            string.Join(' ', Enumerable.Range(0, 40).Select(i => $"n{i}: node(id: $i) {{ id }} j{i}: jurisdiction(id: $i) {{ id }} w{i}: detainers(first: 1, where: {{ id: {{ eq: $i }} }}) {{ totalCount }}")) + " }";
        var id = new string('Z', 20_000);

        var body = await _app.QueryAsync(query, new { i = id });

        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(160, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.Equal("INVALID_ID", e.Code());
            Assert.Equal($"`{new string('Z', ClientText.MaxQuoted)}…` is not a DetainerGraph ID.", e.GetProperty("message").GetString());
        });
        Assert.True(body.GetRawText().Length < 100_000, $"{body.GetRawText().Length} characters");
    }

    [Fact]
    public void A_quote_never_splits_a_surrogate_pair()
    {
        var text = new string('a', ClientText.MaxQuoted - 1) + "\U0001F600" + "tail";
        Assert.Equal($"`{new string('a', ClientText.MaxQuoted - 1)}…`", ClientText.Quote(text));
        Assert.Equal("`short`", ClientText.Quote("short"));
    }

    private async Task<JsonElement> PriceAsync(string query)
    {
        using var client = _app.CreateClient();
        using var content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json");
        content.Headers.Add(RequestCost.Header, "validate");
        using var response = await client.PostAsync(new Uri("/graphql", UriKind.Relative), content);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static double Requested(JsonElement body) => body.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble();

    [Theory]
    [InlineData("first: 0")]
    [InlineData("first: 1")]
    [InlineData("last: 0")]
    public async Task Facets_are_priced_by_their_fields_and_buckets_not_by_the_page_size(string page)
    {
        // A jurisdiction facet of `a*` has 266 buckets, each counting its jurisdiction's detainers. On main the facets
        // took the page's `first` as their multiplier: 50 of them cost 431 with `first: 0` (one token) and ran 2.7 s;
        // with a jurisdiction's stats, ten ran 1.8 s.
        const string Facet = "facets(fields: [JURISDICTION]) { buckets { jurisdiction { detainers(first: 0) { totalCount } } } }";
        var one = Requested(await PriceAsync($"{{ searchCharges(query: \"a*\", {page}) {{ {Facet} }} }}"));
        Assert.True(one >= CostModel.ManyFacetBuckets * 3, $"one facet costs {one}");

        var fifty = await _app.QueryAsync($"{{ searchCharges(query: \"a*\", {page}) {{ {Aliases(50, Facet)} }} }}");
        Assert.Equal("COMPLEXITY", Code(fifty));
        Assert.Equal(0, TestApp.SqlStatements(fifty));
    }

    [Fact]
    public async Task A_bucket_s_own_values_cost_nothing_per_bucket()
    {
        // The search box's facets (every field, values only) stay cheap: the buckets' values are in memory.
        var all = string.Join(", ", Enum.GetNames<DetainerGraph.Search.SearchFacet>().Select(n => System.Text.RegularExpressions.Regex.Replace(n, "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant()));
        var cost = Requested(await PriceAsync($"{{ searchCharges(query: \"assault\", first: 10) {{ nodes {{ score }} facets(fields: [{all}]) {{ field buckets {{ value label count outcome chargeStatus week }} }} }} }}"));
        Assert.True(cost < 2_000, $"the facets of every field cost {cost}");
        var withNames = Requested(await PriceAsync("{ searchCharges(query: \"assault\", first: 10) { facets(fields: [JURISDICTION]) { buckets { jurisdiction { name } } } } }"));
        Assert.True(withNames >= CostModel.ManyFacetBuckets * 2, $"jurisdiction names cost {withNames}");
    }

    public static TheoryData<string> TooManySortKeys() =>
    [
        // Eleven fields in one item.
        "[{ issuedOn: ASC, outcomeRecordedOn: DESC, outcome: ASC, detainerType: DESC, citizenship: ASC, jurisdiction: { name: ASC, state: DESC, kind: ASC, fips: DESC, fieldOffice: ASC }, facility: { name: ASC } }]",
        // Ten items of two keys each.
        "[" + string.Join(", ", Enumerable.Repeat("{ issuedOn: ASC, outcome: DESC }", 10)) + "]",
        // Six items of one nested object with two keys.
        "[" + string.Join(", ", Enumerable.Repeat("{ jurisdiction: { name: ASC, state: DESC } }", 6)) + "]",
    ];

    [Theory]
    [MemberData(nameof(TooManySortKeys))]
    public async Task Order_counts_each_field_given_a_direction_as_a_sort_key(string order)
    {
        // On main `order` counted its items: ten items of fourteen fields were 140 keys, whose keyset condition after a
        // cursor took a second a page (forty aliased pages, 12 s for a cost of 1,120).
        var body = await _app.QueryAsync($"{{ detainers(first: 1, order: {order}) {{ nodes {{ id }} }} }}");
        Assert.Equal(FilterLimits.OrderTooLongCode, Code(body));
    }

    [Fact]
    public async Task Ten_sort_keys_in_one_item_page_forward_with_a_cursor()
    {
        const string Order = "[{ issuedOn: ASC, outcomeRecordedOn: DESC, outcome: ASC, detainerType: DESC, citizenship: ASC, jurisdiction: { name: ASC, state: DESC, kind: ASC, fips: DESC, fieldOffice: ASC } }]";
        var first = await _app.DataAsync($"{{ detainers(first: 2, order: {Order}) {{ pageInfo {{ endCursor }} nodes {{ id }} }} }}");
        var cursor = first.GetProperty("detainers").GetProperty("pageInfo").GetProperty("endCursor").GetString();
        var next = await _app.DataAsync($"query($c: String) {{ detainers(first: 2, after: $c, order: {Order}) {{ nodes {{ id }} }} }}", new { c = cursor });
        Assert.Equal(2, next.GetProperty("detainers").GetProperty("nodes").GetArrayLength());
    }

    public static TheoryData<string> KeysTheServerNeverWrites() => ["Detainer:007", "Detainer:01", "Detainer:1\0", "Detainer:1\0\0", "Week:2017-01-29"];

    [Theory]
    [MemberData(nameof(KeysTheServerNeverWrites))]
    public async Task An_id_whose_key_the_server_never_writes_is_invalid_wherever_it_is_read(string text)
    {
        // On main `detainer(id:)` answered detainer 7 for Detainer:007 (and detainer 1 for "1\0"), while `node` found
        // nothing under it; a week's ID of a Sunday was null.
        var id = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var detainer = text.StartsWith("Detainer", StringComparison.Ordinal);
        var query = detainer
            ? "query($i: ID!) { node(id: $i) { id } detainer(id: $i) { id } nodes(ids: [$i]) { id } detainers(first: 1, where: { id: { eq: $i } }) { totalCount } }"
            : "query($i: ID!) { node(id: $i) { id } nodes(ids: [$i]) { id } }";

        var body = await _app.QueryAsync(query, new { i = id });

        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(detainer ? 4 : 2, errors.Count);
        Assert.All(errors, e => Assert.Equal("INVALID_ID", e.Code()));
    }

    [Fact]
    public async Task A_number_given_as_an_id_filter_is_an_invalid_id_not_a_missing_one()
    {
        var body = await _app.QueryAsync("query($i: ID!) { detainers(first: 1, where: { id: { eq: $i } }) { totalCount } }", new { i = 5 });
        Assert.Equal("INVALID_ID", Code(body));
        Assert.Equal("`5` is not a DetainerGraph ID.", body.GetProperty("errors")[0].GetProperty("message").GetString());
    }
}
