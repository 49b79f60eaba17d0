using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Search;

/// <summary><c>searchCharges</c> over the shipped sample data, through HTTP: the engine's behaviour over all of it, so with <c>sourceKind: [SYNTHETIC]</c> (the published-only default is in Truth/PublishedByDefaultTests).</summary>
public sealed class SampleDataSearchTests(SampleDataApp fixture) : IClassFixture<SampleDataApp>
{
    private const string Search = """
        query($q: String!, $where: DetainerFilterInput, $status: [ChargeStatus!], $first: Int, $after: String, $last: Int, $before: String) {
          searchCharges(query: $q, where: $where, chargeStatus: $status, first: $first, after: $after, last: $last, before: $before, sourceKind: [SYNTHETIC]) {
            totalCount suggestion
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            nodes { score highlight charge { id description ncicCode category } detainer { id } }
          }
        }
        """;

    private static readonly string[] Texas = ["TX"];
    private static readonly string[] QueryCodes = ["SEARCH_QUERY_TOO_LONG", "SEARCH_QUERY_TOO_COMPLEX"];

    private TestApp App => fixture.App;

    private async Task<JsonElement> SearchAsync(string q, object? where = null, int? first = null, string? after = null,
        string[]? status = null, int? last = null, string? before = null) =>
        (await App.DataAsync(Search, new { q, where, status, first, after, last, before })).GetProperty("searchCharges");

    private static List<JsonElement> Nodes(JsonElement result) => [.. result.GetProperty("nodes").EnumerateArray()];

    private static string Description(JsonElement node) => node.GetProperty("charge").GetProperty("description").GetString()!;

    [Theory]
    [InlineData("DUI")]
    [InlineData("drunk driving")]
    [InlineData("DWI")]
    public async Task Impaired_driving_in_plain_words_finds_driving_under_influence_first_highlighted(string q)
    {
        var result = await SearchAsync(q, first: 10);
        var nodes = Nodes(result);
        Assert.NotEmpty(nodes);
        foreach (var node in nodes)
        {
            Assert.Contains("Driving Under Influence", Description(node), StringComparison.OrdinalIgnoreCase);
            Assert.Contains("<mark>", node.GetProperty("highlight").GetString(), StringComparison.Ordinal);
        }
        // Every DUI charge is found, whatever its spelling, and nothing else: the count equals the database's.
        var inDatabase = (await App.WithDbAsync(db => db.Charges.Where(c => c.Detainer.IsSynthetic).Select(c => c.Description).ToListAsync()))
            .Count(d => d.Contains("DRIVING UNDER INFLUENCE", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(inDatabase, result.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_typo_finds_the_intended_word()
    {
        var nodes = Nodes(await SearchAsync("asault", first: 5));
        Assert.NotEmpty(nodes);
        Assert.Contains("Assault", Description(nodes[0]), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<mark>Assault</mark>", nodes[0].GetProperty("highlight").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Highlights are computed only when selected: every way of selecting them still gets them marked.</summary>
    [Theory]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"agg assault\", first: 1) { nodes { highlight } } }")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"agg assault\", first: 1) { edges { node { highlight } } } }")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"agg assault\", first: 1) { nodes { ...Marked } } } fragment Marked on ChargeSearchHit { highlight }")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"agg assault\", first: 1) { ...Page } } fragment Page on ChargeSearchConnection { edges { node { ... on ChargeSearchHit { highlight } } } }")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"agg assault\", first: 1) { totalCount } searchCharges(sourceKind: [SYNTHETIC], query: \"agg assault\", first: 1) { nodes { highlight } } }")]
    public async Task Highlights_are_marked_however_the_selection_reaches_them(string document)
    {
        var data = await App.DataAsync(document);
        Assert.Contains(Strings(data), s => s.Contains("<mark>Aggravated</mark>", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    [Fact]
    public async Task Agg_assault_finds_aggravated_assault_first_with_both_words_marked()
    {
        var nodes = Nodes(await SearchAsync("agg assault", first: 5));
        Assert.NotEmpty(nodes);
        Assert.Equal("Aggravated Assault - Weapon", Description(nodes[0]));
        Assert.Equal("<mark>Aggravated</mark> <mark>Assault</mark> - Weapon", nodes[0].GetProperty("highlight").GetString());
    }

    [Fact]
    public async Task A_quoted_phrase_matches_exactly()
    {
        var result = await SearchAsync("\"cruelty toward wife\"", first: 50);
        var nodes = Nodes(result);
        var inDatabase = (await App.WithDbAsync(db => db.Charges.Where(c => c.Detainer.IsSynthetic).Select(c => c.Description).ToListAsync()))
            .Count(d => d.Equals("CRUELTY TOWARD WIFE", StringComparison.OrdinalIgnoreCase));
        Assert.True(inDatabase > 0, "the sample data should hold CRUELTY TOWARD WIFE");
        Assert.Equal(inDatabase, result.GetProperty("totalCount").GetInt32());
        Assert.All(nodes, n => Assert.Equal("<mark>CRUELTY</mark> <mark>TOWARD</mark> <mark>WIFE</mark>", n.GetProperty("highlight").GetString()));
        // In another order the words are not the phrase.
        Assert.Equal(0, (await SearchAsync("\"wife toward cruelty\"")).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task An_ncic_code_or_a_category_name_finds_its_charges()
    {
        var byCode = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic && c.NcicCode == "5404"));
        Assert.Equal(byCode, (await SearchAsync("5404")).GetProperty("totalCount").GetInt32());
        var byCategory = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic && c.Category == "Family Offense"));
        var result = await SearchAsync("\"family offense\"", first: 100);
        Assert.True(result.GetProperty("totalCount").GetInt32() >= byCategory);
        Assert.Contains(Nodes(result), n => n.GetProperty("charge").GetProperty("category").GetString() == "Family Offense");
    }

    [Fact]
    public async Task A_trailing_star_is_a_prefix()
    {
        var nodes = Nodes(await SearchAsync("cocai*", first: 20));
        Assert.NotEmpty(nodes);
        Assert.All(nodes, n => Assert.Contains("cocaine", Description(n), StringComparison.OrdinalIgnoreCase));
        Assert.All(nodes, n => Assert.Contains("<mark>Cocaine</mark>", n.GetProperty("highlight").GetString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Filters_run_in_the_engine_so_the_total_is_exact()
    {
        var from = new DateOnly(2017, 2, 4);
        var to = new DateOnly(2017, 2, 11);
        var where = new { week = new { start = new { gte = "2017-02-04", lte = "2017-02-11" } }, outcome = new { eq = "DECLINED_BY_LEA" } };
        var result = await SearchAsync("", where, first: 100, status: ["CONVICTION"]);
        var expected = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.WeekStart >= from && c.Detainer.WeekStart <= to
            && c.Detainer.Outcome == DetainerOutcome.DeclinedByLea && c.Status == ChargeStatus.Conviction));
        Assert.True(expected > 0);
        Assert.Equal(expected, result.GetProperty("totalCount").GetInt32());

        var inTexas = await SearchAsync("assault", new { jurisdiction = new { state = new { @in = Texas } } }, first: 100);
        var expectedTexas = await App.WithDbAsync(async db => (await db.Charges
            .Where(c => c.Detainer.IsSynthetic && c.Detainer.Jurisdiction!.State == "TX").Select(c => c.Description).ToListAsync())
            .Count(d => d.Contains("assault", StringComparison.OrdinalIgnoreCase) || d.Contains("ASSLT", StringComparison.Ordinal)));
        Assert.True(inTexas.GetProperty("totalCount").GetInt32() >= expectedTexas);
        // Negated enums are the other values; `and` parts all hold.
        var notDeclined = await SearchAsync("", new { and = new object[] { new { outcome = new { neq = "DECLINED_BY_LEA" } }, new { week = new { start = new { eq = "2017-02-04" } } } } }, first: 1);
        var expectedNotDeclined = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.Outcome != DetainerOutcome.DeclinedByLea
            && c.Detainer.WeekStart == new DateOnly(2017, 2, 4)));
        Assert.Equal(expectedNotDeclined, notDeclined.GetProperty("totalCount").GetInt32());
        var ids = Nodes(inTexas).Select(n => n.GetProperty("detainer").GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(ids);
    }

    [Fact]
    public async Task Facets_count_all_hits_and_add_up_to_the_total()
    {
        var data = await App.DataAsync("""
            { searchCharges(query: "assault", first: 1, sourceKind: [SYNTHETIC]) {
                totalCount
                facets(fields: [STATE, JURISDICTION, WEEK, OUTCOME, CHARGE_CATEGORY, STATUS, CITIZENSHIP]) { field buckets { value label count } }
            } }
            """);
        var result = data.GetProperty("searchCharges");
        var total = result.GetProperty("totalCount").GetInt32();
        Assert.True(total > 1);
        var facets = result.GetProperty("facets").EnumerateArray().ToList();
        Assert.Equal(7, facets.Count);
        foreach (var facet in facets)
        {
            Assert.Equal(total, facet.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        }
        // The FOIA detainers have no reporting week: their hits land in the null bucket.
        var weeks = facets.Single(f => f.GetProperty("field").GetString() == "WEEK").GetProperty("buckets").EnumerateArray().ToList();
        Assert.Contains(weeks, b => b.GetProperty("value").ValueKind == JsonValueKind.Null);

        // A facet value filters to exactly its count.
        var state = facets.Single(f => f.GetProperty("field").GetString() == "STATE").GetProperty("buckets")[0];
        var filtered = await SearchAsync("assault", new { jurisdiction = new { state = new { eq = state.GetProperty("value").GetString() } } });
        Assert.Equal(state.GetProperty("count").GetInt32(), filtered.GetProperty("totalCount").GetInt32());
        var outcome = facets.Single(f => f.GetProperty("field").GetString() == "OUTCOME").GetProperty("buckets")[0];
        var byOutcome = await SearchAsync("assault", new { outcome = new { eq = outcome.GetProperty("value").GetString() } });
        Assert.Equal(outcome.GetProperty("count").GetInt32(), byOutcome.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Pages_are_stable_and_add_up_to_one_long_page()
    {
        var whole = Nodes(await SearchAsync("assault", first: 30)).Select(n => n.GetProperty("charge").GetProperty("id").GetString()).ToList();
        Assert.Equal(30, whole.Count);
        var paged = new List<string?>();
        string? after = null;
        for (var page = 0; page < 3; page++)
        {
            var result = await SearchAsync("assault", first: 10, after: after);
            paged.AddRange(Nodes(result).Select(n => n.GetProperty("charge").GetProperty("id").GetString()));
            Assert.True(result.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
            after = result.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        Assert.Equal(whole, paged);
        Assert.Equal(whole.Count, whole.Distinct().Count());
    }

    [Fact]
    public async Task Last_and_before_page_backwards_through_the_same_order()
    {
        var filter = new { week = new { start = new { eq = "2017-02-04" } } };
        var whole = await SearchAsync("theft", filter, first: 100);
        var ids = Nodes(whole).Select(n => n.GetProperty("charge").GetProperty("id").GetString()).ToList();
        var total = whole.GetProperty("totalCount").GetInt32();
        Assert.InRange(total, 4, 100);
        var tail = await SearchAsync("theft", filter, last: 3);
        Assert.Equal(ids[^3..], Nodes(tail).Select(n => n.GetProperty("charge").GetProperty("id").GetString()));
        Assert.False(tail.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.True(tail.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var before = await SearchAsync("theft", filter, last: 2, before: tail.GetProperty("pageInfo").GetProperty("startCursor").GetString());
        Assert.Equal(ids[^5..^3], Nodes(before).Select(n => n.GetProperty("charge").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Hits_load_their_charges_and_detainers_together_in_one_statement()
    {
        var response = await App.QueryAsync("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 50) { nodes { charge { description } detainer { outcome } } } }");
        Assert.False(response.TryGetProperty("errors", out _));
        Assert.Equal(1, TestApp.SqlStatements(response));
    }

    [Theory]
    [InlineData("charge { description }")]
    [InlineData("detainer { outcome }")]
    public async Task Hits_that_read_only_charges_or_only_detainers_load_them_in_one_batch(string selection)
    {
        var response = await App.QueryAsync("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 50) { nodes { " + selection + " } } }");
        Assert.False(response.TryGetProperty("errors", out _));
        Assert.Equal(1, TestApp.SqlStatements(response));
    }

    [Fact]
    public async Task Charges_and_detainers_read_together_are_the_ones_their_own_loaders_read()
    {
        // Every charge and detainer field, read together (one joined statement) and each on its own (its loader's
        // statement), hit for hit: the joined read hands the loaders the same rows they would have read.
        const string Charge = "charge { id description ncicCode category status detainer { id } }";
        const string Detainer = "detainer { id isSynthetic issuedOn issuedOnOrAfter detainerType detainerTypeAsPublished outcome outcomeAsPublished outcomeRecordedOn citizenship placeOfBirth jurisdictionResolution jurisdictionRule retracted facility { name } jurisdiction { name } charges { description } }";
        async Task<List<JsonElement>> NodesAsync(string selection) =>
            [.. (await App.DataAsync("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 40) { nodes { score " + selection + " } } }"))
                .GetProperty("searchCharges").GetProperty("nodes").EnumerateArray()];

        var together = await NodesAsync(Charge + " " + Detainer + " why { word kind }");
        var charges = await NodesAsync(Charge + " why { word kind }");
        var detainers = await NodesAsync(Detainer);

        Assert.True(together.Count > 10);
        Assert.Equal(charges.Count, together.Count);
        Assert.Equal(detainers.Count, together.Count);
        for (var i = 0; i < together.Count; i++)
        {
            Assert.Equal(charges[i].GetProperty("charge").GetRawText(), together[i].GetProperty("charge").GetRawText());
            Assert.Equal(charges[i].GetProperty("why").GetRawText(), together[i].GetProperty("why").GetRawText());
            Assert.Equal(detainers[i].GetProperty("detainer").GetRawText(), together[i].GetProperty("detainer").GetRawText());
        }
    }

    [Theory]
    [InlineData("nodes { charge { id } detainer { DETAINER } }", "nodes")]
    [InlineData("edges { node { charge { id } detainer { DETAINER } } }", "edges")]
    [InlineData("nodes { charge { id } detainer { DETAINER } } edges { cursor node { detainer { id } } }", "nodes")]
    public async Task Hits_whose_detainers_select_only_narrow_fields_answer_as_whole_rows_do(string shape, string list)
    {
        // Every narrow field (DetainerPageColumns.NarrowFields) read from the narrow hit rows, then the same fields with
        // one wide field beside them (whole rows): the same values hit for hit, in one statement either way. A column
        // missing from the narrow read answers its default (no facility, not synthetic) and fails here.
        const string Narrow = "__typename id isSynthetic retracted issuedOn outcome detainerType facility { id name }";
        string Query(string detainer) => "{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 12) { " + shape.Replace("DETAINER", detainer) + " } }";
        List<JsonElement> Detainers(JsonElement response) =>
            [.. response.GetProperty("data").GetProperty("searchCharges").GetProperty(list).EnumerateArray()
                .Select(n => (list == "edges" ? n.GetProperty("node") : n).GetProperty("detainer"))];

        var narrow = await App.QueryAsync(Query(Narrow));
        var whole = await App.QueryAsync(Query(Narrow + " placeOfBirth"));
        Assert.False(narrow.TryGetProperty("errors", out _));
        Assert.Equal(1, TestApp.SqlStatements(narrow));
        Assert.Equal(1, TestApp.SqlStatements(whole));
        var narrowDetainers = Detainers(narrow);
        var wholeDetainers = Detainers(whole);
        Assert.Equal(12, narrowDetainers.Count);
        Assert.Contains(wholeDetainers, d => d.GetProperty("facility").ValueKind == JsonValueKind.Object);
        Assert.All(wholeDetainers, d => Assert.True(d.GetProperty("isSynthetic").GetBoolean()));
        for (var i = 0; i < narrowDetainers.Count; i++)
        {
            var expected = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(wholeDetainers[i].GetRawText())!;
            expected.Remove("placeOfBirth");
            Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(narrowDetainers[i].GetRawText())));
        }
    }

    [Theory]
    [InlineData("nodes { charge { id } ...Hit }")]
    [InlineData("nodes { charge { id } ... on ChargeSearchHit { detainer { id source { line } } } }")]
    [InlineData("nodes { charge { id } detainer { id ...Wide } }")]
    [InlineData("...Nodes")]
    public async Task Hit_detainers_selected_through_fragments_are_read_whole(string shape)
    {
        // A fragment could select any field, so the hits' detainers are read whole: a narrow row would answer line 0.
        const string Fragments = " fragment Hit on ChargeSearchHit { detainer { id source { line } } } fragment Wide on Detainer { source { line } }"
            + " fragment Nodes on ChargeSearchConnection { nodes { charge { id } detainer { id source { line } } } }";
        var query = "{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 10) { " + shape + " } }"
            + string.Concat(Fragments.Split(" fragment ", StringSplitOptions.RemoveEmptyEntries).Where(f => shape.Contains("..." + f.Split(' ')[0], StringComparison.Ordinal)).Select(f => " fragment " + f));
        var nodes = (await App.DataAsync(query)).GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(10, nodes.Count);
        Assert.All(nodes, n => Assert.True(n.GetProperty("detainer").GetProperty("source").GetProperty("line").GetInt32() > 0));
    }

    [Fact]
    public async Task A_narrow_hit_detainer_never_reaches_the_detainer_loader()
    {
        // The hits' detainers read narrow, and the same detainers loaded through the charge: the charge's detainer goes
        // through the detainer loader, which must read whole rows (a narrow row there would answer line 0 and UNRESOLVED).
        const string Whole = "detainer { id jurisdictionResolution outcomeAsPublished source { line } }";
        string Query(string hit) => "{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 10) { nodes { " + hit + " } } }";
        List<string> ChargeDetainers(JsonElement data) =>
            [.. data.GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("charge").GetProperty("detainer").GetRawText())];

        var both = await App.DataAsync(Query("detainer { id outcome } charge { description " + Whole + " }"));
        var alone = await App.DataAsync(Query("charge { description " + Whole + " }"));

        Assert.Equal(ChargeDetainers(alone), ChargeDetainers(both));
        Assert.All(ChargeDetainers(both), d => Assert.DoesNotContain("\"line\":0", d));
        Assert.Equal(
            both.GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("charge").GetProperty("detainer").GetProperty("id").GetString()),
            both.GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("detainer").GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(11)]
    public async Task A_page_of_any_size_reads_its_charges_and_detainers_in_one_statement_as_their_loaders_would(int size)
    {
        // Pages of up to ten hits are read with ten ID parameters, the unused ones repeating the first ID; longer pages
        // with one parameter per ID. Either way: one statement, and the rows each loader reads on its own.
        const string Charge = "charge { id description ncicCode category status }";
        const string Detainer = "detainer { id issuedOn outcome outcomeAsPublished citizenship placeOfBirth jurisdictionRule retracted }";
        string Query(string selection) => "{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: " + size + ") { nodes { score " + selection + " } } }";

        var response = await App.QueryAsync(Query(Charge + " " + Detainer));
        Assert.False(response.TryGetProperty("errors", out _));
        Assert.Equal(1, TestApp.SqlStatements(response));
        var together = response.GetProperty("data").GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().ToList();
        var charges = (await App.DataAsync(Query(Charge))).GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().ToList();
        var detainers = (await App.DataAsync(Query(Detainer))).GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().ToList();

        Assert.Equal(size, together.Count);
        Assert.Equal(size, together.Select(n => n.GetProperty("charge").GetProperty("id").GetString()).Distinct().Count());
        for (var i = 0; i < size; i++)
        {
            Assert.Equal(charges[i].GetProperty("charge").GetRawText(), together[i].GetProperty("charge").GetRawText());
            Assert.Equal(detainers[i].GetProperty("detainer").GetRawText(), together[i].GetProperty("detainer").GetRawText());
        }
    }

    [Fact]
    public async Task Nothing_matched_suggests_the_nearest_indexed_words()
    {
        var result = await SearchAsync("burglary qqqqqzx");
        Assert.Equal(0, result.GetProperty("totalCount").GetInt32());
        var corrected = await SearchAsync("robery xqzzqq");
        Assert.Equal("robbery xqzzqq", corrected.GetProperty("suggestion").GetString());
        Assert.Equal(JsonValueKind.Null, (await SearchAsync("robbery")).GetProperty("suggestion").ValueKind);
    }

    public static TheoryData<string> HostileStrings => new()
    {
        "title:x AND (",
        "\"unbalanced",
        "\"\"\"",
        "*",
        "***",
        "?",
        "a*",
        "~~~ ^2 [1 TO 5] {a TO b}",
        "assault~2",
        "NOT OR AND",
        "-assault +robbery",
        "\\",
        "/regex.*/",
        "<script>alert(1)</script>",
        "'; DROP TABLE charges; --",
        "\u0000\u0001\u0007\u001b[31m",
        "\ud83d\ude00\ud83d\udd25 drunk \ud83d\ude97",
        "\ud800 lone surrogate",
        "Ｆｕｌｌｗｉｄｔｈ ＤＵＩ",
        "zero\u200bwidth",
        "اعتداء",
        "暴行",
        new string('a', 500),
        string.Join(' ', Enumerable.Repeat("assault", 32)),
        string.Join(' ', Enumerable.Repeat("ab*", 30)),
        string.Concat(Enumerable.Repeat("(", 400)),
        new string('x', 5000),
        string.Join(' ', Enumerable.Repeat("assault", 100)),
    };

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task Hostile_strings_get_results_or_a_coded_error_never_a_5xx(string q)
    {
        // QueryAsync fails the test on any non-2xx status.
        var response = await App.QueryAsync("query($q: String!) { searchCharges(query: $q, first: 5, sourceKind: [SYNTHETIC]) { totalCount nodes { highlight } } }", new { q });
        if (response.TryGetProperty("errors", out var errors))
        {
            foreach (var error in errors.EnumerateArray())
            {
                var code = error.Code();
                Assert.Contains(code, QueryCodes);
                Assert.DoesNotContain("Lucene", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
            }
        }
        else
        {
            var result = response.GetProperty("data").GetProperty("searchCharges");
            // The page is the first five of the total, whatever the total.
            Assert.Equal(Math.Min(5, result.GetProperty("totalCount").GetInt32()), result.GetProperty("nodes").GetArrayLength());
            Assert.All(result.GetProperty("nodes").EnumerateArray(),
                n => Assert.DoesNotContain("<script", n.GetProperty("highlight").GetString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Where_selects_the_charges_of_exactly_the_detainers_the_lists_select_with_negations_and_nested_and()
    {
        var where = new
        {
            and = new object[] { new { outcome = new { neq = "LIFTED" } }, new { detainerType = new { nin = new[] { "I247N" } } } },
            citizenship = new { @in = new[] { "Mexico", "Guatemala", "Honduras" } },
        };
        var result = await SearchAsync("", where, first: 0);

        var expected = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic
            && c.Detainer.Outcome != DetainerOutcome.Lifted && c.Detainer.DetainerType != DetainerType.I247N
            && (c.Detainer.Citizenship == "Mexico" || c.Detainer.Citizenship == "Guatemala" || c.Detainer.Citizenship == "Honduras")));
        Assert.True(expected > 0, "the sample data has charges of such detainers");
        Assert.Equal(expected, result.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task The_last_hits_are_the_tail_of_the_same_ranking_with_the_same_cursors()
    {
        var total = (await SearchAsync("theft", first: 0)).GetProperty("totalCount").GetInt32();
        Assert.True(total > 4, "the sample data has more than four theft charges");
        var forward = await SearchAsync("theft", first: 3, after: DetainerGraph.Api.Paging.EncodeCursor(total - 4));
        var tail = await SearchAsync("theft", last: 3);

        Assert.Equal(Nodes(forward).Select(n => n.GetProperty("charge").GetProperty("id").GetString()),
            Nodes(tail).Select(n => n.GetProperty("charge").GetProperty("id").GetString()));
        Assert.Equal(DetainerGraph.Api.Paging.EncodeCursor(total - 3), tail.GetProperty("pageInfo").GetProperty("startCursor").GetString());
        var pageInfo = tail.GetProperty("pageInfo");
        Assert.False(pageInfo.GetProperty("hasNextPage").GetBoolean());
        Assert.True(pageInfo.GetProperty("hasPreviousPage").GetBoolean());
    }

    [Theory]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 1000) { totalCount } }", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: -1) { totalCount } }", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", after: \"bm90LWEtY3Vyc29y\") { totalCount } }", "INVALID_CURSOR")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", after: \"b2Zmc2V0Ojk5OTk5\") { totalCount } }", "SEARCH_WINDOW_TOO_LARGE")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", first: 5, last: 5) { totalCount } }", "INVALID_PAGING_ARGUMENTS")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", where: { or: [{ outcome: { eq: LIFTED } }] }) { totalCount } }", "SEARCH_FILTER_UNSUPPORTED")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", where: { issuedOn: { gte: \"2017-01-01\" } }) { totalCount } }", "SEARCH_FILTER_UNSUPPORTED")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", where: { charges: { some: { status: { eq: CONVICTION } } } }) { totalCount } }", "SEARCH_FILTER_UNSUPPORTED")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", where: { citizenship: { contains: \"ex\" } }) { totalCount } }", "SEARCH_FILTER_UNSUPPORTED")]
    [InlineData("{ searchCharges(sourceKind: [SYNTHETIC], query: \"theft\", where: { facility: { state: { eq: \"PA\" } } }) { totalCount } }", "SEARCH_FILTER_UNSUPPORTED")]
    public async Task Bad_arguments_get_clear_codes(string query, string code)
    {
        var response = await App.QueryAsync(query);
        var error = response.GetProperty("errors")[0];
        Assert.Equal(code, error.Code());
    }

    [Fact]
    public async Task A_word_after_a_colon_is_found_and_marked()
    {
        // Travis County's second most frequent charge glues two words with a colon; 1,164 of its 15,237 charges say
        // it (a Python count over data/travis_county_ice_detainers.csv); with the 127 charges "family" found before
        // (45 that say the word, the rest by their category), 1,291; with the 117 that write family violence FV
        // (Fel Asslt FV Strangulation ...), 1,408.
        var data = await App.DataAsync("""
            {
              searchCharges(query: "family", first: 1, chargeCategory: ["Assault"]) { totalCount nodes { highlight } }
              all: searchCharges(query: "family", first: 0) { totalCount }
              inj: searchCharges(query: "inj family member", first: 0) { totalCount }
            }
            """);
        var search = data.GetProperty("searchCharges");
        Assert.Equal(1_291 + 117, data.GetProperty("all").GetProperty("totalCount").GetInt32());
        // The 1,164 and the 6 of "ASSLT CAUSES BODILY INJ FAMILY MEMBER ENH"; before, 6 alone.
        Assert.Equal(1_164 + 6, data.GetProperty("inj").GetProperty("totalCount").GetInt32());
        // Among assaults, at least the four texts that say "family" (1,164 + 13 + 6 + 1).
        Assert.InRange(search.GetProperty("totalCount").GetInt32(), 1_184, 1_291 + 117);
        Assert.Contains("INJ:<mark>FAMILY</mark> MEMBER", search.GetProperty("nodes")[0].GetProperty("highlight").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("family violence")]
    [InlineData("domestic violence")]
    public async Task Family_and_domestic_violence_count_every_Travis_County_family_violence_charge(string query)
    {
        // A Python count over data/travis_county_ice_detainers.csv: the charges whose words name a family, household or
        // dating partner beside an assault or threat (FAMILY MEMBER, DATE/FAM/HOUSE, FAMILY HOUSEHOLD), or say FV: 1,329
        // (1,164 ASSLT CAUSES BODILY INJ:FAMILY MEMBER, 117 FV, 25 terroristic threats, 23 other assaults).
        var data = await App.DataAsync("query($q: String!) { searchCharges(query: $q, first: 0, where: { jurisdiction: { state: { eq: \"TX\" } } }) { totalCount } }", new { q = query });
        Assert.Equal(1_329, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }
}
