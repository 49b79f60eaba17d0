using DetainerGraph.Data;
using DetainerGraph.Search;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.Search.Elasticsearch;

/// <summary>
/// The request bodies the Elasticsearch engine sends, captured through the in-memory invoker and compared with
/// the committed, reviewed snapshots (<c>__snapshots__/</c>). A change to a mapping, analyzer or query shape
/// shows up here as a diff to review.
/// </summary>
public sealed class ElasticRequestSnapshotTests
{
    public const string EmptySearch = """
        {"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
         "hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}}
        """;

    public const string Acknowledged = """{"acknowledged":true,"shards_acknowledged":true,"index":"x"}""";

    public static readonly ChargeDocument[] Documents =
    [
        new(101, 11, "DRIVING UNDER INFLUENCE ALCOHOL", "5404", "Traffic Offense", ChargeStatus.Conviction, "TX", 7, "Travis County",
            new DateOnly(2017, 1, 28), DetainerOutcome.DeclinedByLea, DetainerType.I247D, "Mexico", new DateOnly(2017, 1, 29)),
        new(102, 11, "Aggravated Assault - Weapon", "1315", "Assault", ChargeStatus.Charge, "TX", 7, "Travis County",
            new DateOnly(2017, 1, 28), DetainerOutcome.DeclinedByLea, DetainerType.I247D, "Mexico", new DateOnly(2017, 1, 29)),
        new(103, 12, "Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)", null, null, ChargeStatus.Charge, null, null, null,
            null, DetainerOutcome.Open, DetainerType.Unknown, null, null, IsSynthetic: true),
    ];

    /// <summary>Runs one search; <paramref name="lookup"/> answers the term lookup (documents holding each candidate word, in order).</summary>
    private static async Task<FakeElasticsearch> SearchedAsync(ChargeSearchRequest request, params long[] lookup)
    {
        var fake = new FakeElasticsearch().On("POST", "/" + FakeElasticsearch.Alias + "/_search", 200, EmptySearch).OnLookup(lookup);
        await fake.Engine().Search.SearchAsync(request, CancellationToken.None);
        return fake;
    }

    public const string LockCreated = """{"_index":"charges-test_lock","_id":"rebuild","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}""";

    public const string LockDeleted = """{"_index":"charges-test_lock","_id":"rebuild","_version":2,"result":"deleted","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":1,"_primary_term":1}""";

    private static ChargeSearchRequest Request(string query, ChargeSearchFilter? filter = null, int offset = 0, int limit = 20,
        SearchFacet[]? facets = null, bool highlight = true, SearchAfterKey? after = null) =>
        new(ChargeQuery.Parse(query), filter ?? new ChargeSearchFilter(), offset, limit, facets ?? [], highlight, after);

    [Fact]
    public async Task Rebuild_creates_a_versioned_index_with_analysis_and_mapping_bulk_loads_refreshes_and_swaps_the_alias_in_one_call()
    {
        var fake = new FakeElasticsearch()
            .On("PUT", "/charges-test_lock/_create/rebuild", 201, LockCreated)
            .On("DELETE", "/charges-test_lock/_doc/rebuild", 200, LockDeleted)
            .On("PUT", "/charges-test-", 200, Acknowledged)
            .On("POST", "/charges-test-20261128050000/_bulk", 200, """{"took":3,"errors":false,"items":[]}""")
            .On("POST", "/charges-test-20261128050000/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .On("GET", "/_alias/", 200, """{"charges-test-20261101000000":{"aliases":{"charges-test":{}}}}""")
            .On("POST", "/_aliases", 200, """{"acknowledged":true}""")
            .On("DELETE", "/charges-test-20261101000000", 200, """{"acknowledged":true}""");
        await fake.Engine().Search.RebuildAsync(Documents.ToAsyncEnumerable(), CancellationToken.None);
        Snapshot.Match(fake.Snapshot());
    }

    [Fact]
    public async Task Indexing_checks_the_alias_once_then_bulk_writes_by_charge_id_through_it_and_deletes_by_id()
    {
        var fake = new FakeElasticsearch()
            .On("HEAD", "/_alias/", 200, "")
            .On("POST", "/charges-test/_bulk", 200, """{"took":3,"errors":false,"items":[]}""");
        var engine = fake.Engine().Search;
        await engine.IndexAsync(Documents[..2], CancellationToken.None);
        await engine.DeleteAsync([102, 999], CancellationToken.None);
        Snapshot.Match(fake.Snapshot());
    }

    [Fact]
    public async Task A_first_write_to_a_fresh_cluster_creates_the_bootstrap_index_that_carries_the_alias()
    {
        var fake = new FakeElasticsearch()
            .On("HEAD", "/_alias/", 404, "")
            .On("PUT", "/charges-test-", 200, Acknowledged)
            .On("POST", "/charges-test/_bulk", 200, """{"took":3,"errors":false,"items":[]}""");
        await fake.Engine().Search.IndexAsync(Documents[2..], CancellationToken.None);
        var requests = fake.Snapshot();
        Assert.Equal(["HEAD /_alias/charges-test", "PUT /charges-test-000000", "POST /charges-test/_bulk?refresh=wait_for&require_alias=true"],
            requests.Select(r => (string)r["request"]!).ToArray());
        // The creation carries the alias; the mapping is the one the rebuild snapshot shows.
        Assert.NotNull(requests[1]["body"]!["aliases"]!["charges-test"]);
        Assert.Equal("strict", (string)requests[1]["body"]!["mappings"]!["dynamic"]!);
    }

    // "robbery" is held by 120 documents, "asault" by none; "5404" has digits and "agg" three letters, so neither is
    // ever fuzzy nor looked up.
    [Fact]
    public async Task Words_are_each_required_in_the_description_or_codes_with_typos_tolerated_only_for_words_the_index_lacks() =>
        Snapshot.Match((await SearchedAsync(Request("agg robbery asault 5404"), 120, 0)).Snapshot());

    // The plan both engines share leaves "of" and "with" out of the words, and keeps "of" inside the quoted phrase.
    [Fact]
    public async Task Connectives_outside_quotes_are_left_out_and_kept_inside_a_phrase() =>
        Snapshot.Match((await SearchedAsync(Request("burglary of habitation with \"theft of property\""), 113, 113)).Snapshot());

    [Fact]
    public async Task A_quoted_phrase_is_a_match_phrase_on_description_or_codes() =>
        Snapshot.Match((await SearchedAsync(Request("\"cruelty toward wife\""))).Snapshot());

    [Fact]
    public async Task A_trailing_star_is_an_unstemmed_prefix_on_the_unstemmed_words_the_stems_and_the_codes() =>
        Snapshot.Match((await SearchedAsync(Request("driving infl*"), 630)).Snapshot());

    [Fact]
    public async Task Filters_go_to_bool_filter_and_facets_are_terms_aggregations_with_a_missing_count() =>
        Snapshot.Match((await SearchedAsync(Request("assault",
            new ChargeSearchFilter
            {
                States = ["tx", "PA"],
                JurisdictionIds = [7],
                WeekFrom = new DateOnly(2017, 1, 28),
                WeekTo = new DateOnly(2017, 2, 11),
                Outcomes = [DetainerOutcome.DeclinedByLea],
                DetainerTypes = [DetainerType.I247D],
                Citizenships = ["Mexico"],
                Statuses = [ChargeStatus.Conviction],
                Categories = ["Assault"],
                SourceKinds = [SourceKind.File],
            },
            limit: 0, facets: [SearchFacet.State, SearchFacet.Jurisdiction, SearchFacet.Week, SearchFacet.Outcome, SearchFacet.ChargeCategory, SearchFacet.Status, SearchFacet.Citizenship, SearchFacet.SourceKind],
            highlight: false), 500)).Snapshot());

    [Fact]
    public async Task Pages_by_position_use_from_and_pages_after_a_hit_use_search_after()
    {
        var byPosition = await SearchedAsync(Request("theft", offset: 40, limit: 20), 90);
        var afterHit = await SearchedAsync(Request("theft", offset: 40, limit: 20, after: new SearchAfterKey(3.25f, 4711)), 90);
        Snapshot.Match(new Newtonsoft.Json.Linq.JObject { ["from"] = byPosition.Snapshot(), ["search_after"] = afterHit.Snapshot() });
    }

    [Fact]
    public async Task An_empty_query_matches_all_and_symbols_alone_match_nothing()
    {
        var all = await SearchedAsync(Request(""));
        var none = await SearchedAsync(Request("*** ?? \ud83d\ude00"));
        Snapshot.Match(new Newtonsoft.Json.Linq.JObject { ["empty"] = all.Snapshot(), ["symbols"] = none.Snapshot() });
    }

    [Fact]
    public async Task Count_reads_the_alias()
    {
        var fake = new FakeElasticsearch().On("POST", "/charges-test/_count", 200, """{"count":4512,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""");
        Assert.Equal(4512, await fake.Engine().Search.CountAsync(CancellationToken.None));
        Assert.Equal("POST /charges-test/_count", fake.Requests.Single().Method + " " + fake.Requests.Single().PathAndQuery);
    }
}
