using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Search;

/// <summary>Facet buckets carry typed values beside the string, so a client feeds a bucket straight back into a filter.</summary>
public sealed class TypedFacetTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    [Fact]
    public async Task Each_bucket_sets_the_typed_field_of_its_facet_and_no_other()
    {
        var facets = (await sample.App.DataAsync("""
            { searchCharges(query: "assault", first: 1) { facets(fields: [OUTCOME, JURISDICTION, WEEK, STATUS, SOURCE_KIND, STATE]) {
                field buckets { value outcome chargeStatus week sourceKind jurisdiction { id } } } } }
            """)).GetProperty("searchCharges").GetProperty("facets").EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!, f => f.GetProperty("buckets").EnumerateArray().ToList());

        string? Typed(JsonElement bucket, string name) => bucket.GetProperty(name) switch
        {
            { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.Object } o => o.GetProperty("id").GetString(),
            var v => v.GetString(),
        };
        var typedFieldOf = new Dictionary<string, string?> { ["OUTCOME"] = "outcome", ["JURISDICTION"] = "jurisdiction", ["WEEK"] = "week", ["STATUS"] = "chargeStatus", ["SOURCE_KIND"] = "sourceKind", ["STATE"] = null };
        foreach (var (field, buckets) in facets)
        {
            Assert.NotEmpty(buckets);
            foreach (var bucket in buckets)
            {
                foreach (var name in (string[])["outcome", "jurisdiction", "week", "chargeStatus", "sourceKind"])
                {
                    var expected = name == typedFieldOf[field] ? bucket.GetProperty("value").GetString() : null;
                    Assert.Equal(expected, Typed(bucket, name));
                }
            }
        }
    }

    [Fact]
    public async Task An_outcome_bucket_feeds_the_outcome_filter_and_counts_agree()
    {
        var bucket = (await sample.App.DataAsync("""{ searchCharges(query: "assault", first: 1) { facets(fields: [OUTCOME]) { buckets { outcome count } } } }"""))
            .GetProperty("searchCharges").GetProperty("facets")[0].GetProperty("buckets").EnumerateArray().First(b => b.GetProperty("outcome").ValueKind == JsonValueKind.String);
        var refined = await sample.App.DataAsync(
            "query($o: DetainerOutcome) { searchCharges(query: \"assault\", where: { outcome: { eq: $o } }) { totalCount } }",
            new { o = bucket.GetProperty("outcome").GetString() });
        Assert.Equal(bucket.GetProperty("count").GetInt32(), refined.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_source_kind_bucket_feeds_the_source_kind_argument_and_counts_agree()
    {
        // Typed as SourceKind, a bucket goes back into `sourceKind: [SourceKind!]` without a cast from `value`.
        var buckets = (await sample.App.DataAsync("""{ searchCharges(query: "assault", first: 1, includeSynthetic: true) { facets(fields: [SOURCE_KIND]) { buckets { sourceKind count } } } }"""))
            .GetProperty("searchCharges").GetProperty("facets")[0].GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(["FILE", "SYNTHETIC"], buckets.Select(b => b.GetProperty("sourceKind").GetString()).Order(StringComparer.Ordinal));
        foreach (var bucket in buckets)
        {
            var refined = await sample.App.DataAsync(
                "query($k: SourceKind!) { searchCharges(query: \"assault\", sourceKind: [$k]) { totalCount } }",
                new { k = bucket.GetProperty("sourceKind").GetString() });
            Assert.Equal(bucket.GetProperty("count").GetInt32(), refined.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
        }
    }

    [Fact]
    public async Task Enum_buckets_are_labelled_for_people_and_keep_the_enum_name_as_their_value()
    {
        // `label` is what a facet list shows; it repeated the enum name (BOOKED_INTO_DETENTION), so every UI kept its own table.
        var facets = (await sample.App.DataAsync("""
            { searchCharges(query: "assault", first: 1, includeSynthetic: true) { facets(fields: [OUTCOME, STATUS, SOURCE_KIND]) { field buckets { value label } } } }
            """)).GetProperty("searchCharges").GetProperty("facets").EnumerateArray()
            .ToDictionary(f => f.GetProperty("field").GetString()!, f => f.GetProperty("buckets").EnumerateArray()
                .Where(b => b.GetProperty("value").ValueKind == JsonValueKind.String)
                .ToDictionary(b => b.GetProperty("value").GetString()!, b => b.GetProperty("label").GetString()));

        Assert.Equal("Booked into Detention", facets["OUTCOME"]["BOOKED_INTO_DETENTION"]);
        Assert.All(facets["OUTCOME"], bucket => Assert.NotEqual(bucket.Key, bucket.Value));
        Assert.Equal("Charge", facets["STATUS"]["CHARGE"]);
        Assert.Equal("Published", facets["SOURCE_KIND"]["FILE"]);
        Assert.Equal("Synthetic demo", facets["SOURCE_KIND"]["SYNTHETIC"]);
    }

    [Fact]
    public void Every_outcome_has_a_label()
    {
        foreach (var outcome in Enum.GetValues<DetainerGraph.Data.DetainerOutcome>())
        {
            Assert.False(string.IsNullOrWhiteSpace(DetainerGraph.Charges.ChargeSearchConnectionGraphType.OutcomeLabel(outcome)), outcome.ToString());
        }
    }

    [Theory]
    [InlineData("[STATE, STATE]")]
    [InlineData("[STATE, WEEK, STATE]")]
    public async Task A_facet_field_asked_for_twice_is_refused_not_dropped(string fields)
    {
        // Facets answer in the order asked, one per field: a repeat dropped silently shifted every facet after it.
        var result = await sample.App.QueryAsync($"{{ searchCharges(query: \"assault\", first: 1) {{ totalCount facets(fields: {fields}) {{ field }} }} }}");

        Assert.Equal("INVALID_FACET_FIELDS", result.FirstErrorCode());
    }
}
