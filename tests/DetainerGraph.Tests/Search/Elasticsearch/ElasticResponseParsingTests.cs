using DetainerGraph.Search;

namespace DetainerGraph.Tests.Search.Elasticsearch;

/// <summary>
/// Realistic Elasticsearch 9 response bodies (the shapes a 9.x cluster sends with <c>typed_keys=true</c>) fed
/// through the in-memory invoker into our <see cref="ChargeSearchResult"/>, and its error bodies into
/// <see cref="SearchUnavailableException"/> with our own wording.
/// </summary>
public sealed class ElasticResponseParsingTests
{
    private const string SearchPath = "/" + FakeElasticsearch.Alias + "/_search";

    private const string HitsWithAggregations = """
        {
          "took": 7, "timed_out": false,
          "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
          "hits": {
            "total": { "value": 3, "relation": "eq" },
            "max_score": 7.5123,
            "hits": [
              { "_index": "charges-test-20261128050000", "_id": "102", "_score": 7.5123,
                "_source": { "charge_id": 102, "detainer_id": 11, "description": "Aggravated Assault - Weapon" },
                "highlight": { "description": [ "\uE000Aggravated\uE001 \uE000Assault\uE001 - Weapon" ] },
                "sort": [ 7.5123, 102 ] },
              { "_index": "charges-test-20261128050000", "_id": "230", "_score": 4.25,
                "_source": { "charge_id": 230, "detainer_id": 40, "description": "ASSAULT & BATTERY <2nd>" },
                "highlight": { "description": [ "\uE000ASSAULT\uE001 & BATTERY <2nd>" ] },
                "sort": [ 4.25, 230 ] },
              { "_index": "charges-test-20261128050000", "_id": "231", "_score": 1.5,
                "_source": { "charge_id": 231, "detainer_id": 41, "description": "Weapon <Offense>" },
                "sort": [ 1.5, 231 ] }
            ]
          },
          "aggregations": {
            "sterms#f_state": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [ { "key": "TX", "doc_count": 2 } ] },
            "missing#f_state_missing": { "doc_count": 1 },
            "sterms#f_jurisdiction": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [ { "key": "7|Travis County, TX", "doc_count": 1 }, { "key": "12|Harris County, TX", "doc_count": 1 } ] },
            "missing#f_jurisdiction_missing": { "doc_count": 1 },
            "lterms#f_week": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [ { "key": 1485561600000, "key_as_string": "2017-01-28", "doc_count": 2 },
                           { "key": 1486166400000, "key_as_string": "2017-02-04", "doc_count": 1 } ] },
            "missing#f_week_missing": { "doc_count": 0 }
          }
        }
        """;

    private static ChargeSearchRequest Request(string query, params SearchFacet[] facets) =>
        new(ChargeQuery.Parse(query), new ChargeSearchFilter(), 0, 20, facets);

    private static Task<ChargeSearchResult> SearchAsync(FakeElasticsearch fake, ChargeSearchRequest request) =>
        fake.Engine().Search.SearchAsync(request, CancellationToken.None);

    [Fact]
    public async Task Hits_keep_their_order_scores_and_highlights_and_a_hit_without_one_gets_its_description_escaped()
    {
        // "agg" has three letters: never fuzzy, so only "assault" is looked up.
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, HitsWithAggregations).OnLookup(900);
        var result = await SearchAsync(fake, Request("agg assault"));
        Assert.Equal(3, result.TotalCount);
        Assert.Equal([102L, 230L, 231L], result.Hits.Select(h => h.ChargeId));
        Assert.Equal([11L, 40L, 41L], result.Hits.Select(h => h.DetainerId));
        Assert.Equal(7.5123f, result.Hits[0].Score);
        Assert.Equal("<mark>Aggravated</mark> <mark>Assault</mark> - Weapon", result.Hits[0].Highlight);
        Assert.Equal("<mark>ASSAULT</mark> &amp; BATTERY &lt;2nd&gt;", result.Hits[1].Highlight);
        // Matched through its code only: nothing marked, and the text is still HTML-escaped.
        Assert.Equal("Weapon &lt;Offense&gt;", result.Hits[2].Highlight);
        Assert.Null(result.Suggestion);
    }

    [Fact]
    public async Task Terms_and_missing_aggregations_become_buckets_with_the_null_bucket_last()
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, HitsWithAggregations).OnLookup(900);
        var result = await SearchAsync(fake, Request("assault", SearchFacet.State, SearchFacet.Jurisdiction, SearchFacet.Week));
        var state = result.Facets.Single(f => f.Field == SearchFacet.State).Buckets;
        Assert.Equal([new FacetBucket("TX", "TX", 2), new FacetBucket(null, null, 1)], state);
        var jurisdiction = result.Facets.Single(f => f.Field == SearchFacet.Jurisdiction).Buckets;
        Assert.Equal([new FacetBucket("12", "Harris County, TX", 1), new FacetBucket("7", "Travis County, TX", 1), new FacetBucket(null, null, 1)], jurisdiction);
        // Dates come back as their ISO form; an empty missing bucket is left out.
        var week = result.Facets.Single(f => f.Field == SearchFacet.Week).Buckets;
        Assert.Equal([new FacetBucket("2017-01-28", "2017-01-28", 2), new FacetBucket("2017-02-04", "2017-02-04", 1)], week);
        Assert.All(result.Facets, f => Assert.Equal(result.TotalCount, f.Buckets.Sum(b => b.Count)));
    }

    // Two term suggesters over the same words: did_you_mean_1 (max_edits 1, words of 4 letters or more) and did_you_mean_2
    // (max_edits 2, 6 or more). Each word takes the option of its own band (ChargeQueryPlan.SuggestionEdits): "robery" and
    // "cocane" (6 letters) from the second, "thft" (4) from the first; "sel" (3 letters) none, whatever the cluster offers.
    [Fact]
    public async Task Nothing_matched_reads_the_term_suggester_of_each_words_edits_into_the_query_rebuilt_clause_by_clause()
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, """
            {
              "took": 2, "timed_out": false,
              "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
              "hits": { "total": { "value": 0, "relation": "eq" }, "max_score": null, "hits": [] },
              "suggest": {
                "term#did_you_mean_1": [
                  { "text": "robery", "offset": 0, "length": 6, "options": [] },
                  { "text": "xqzzqq", "offset": 7, "length": 6, "options": [] },
                  { "text": "cocane", "offset": 14, "length": 6, "options": [ { "text": "cocaine", "score": 0.8333333, "freq": 95 } ] },
                  { "text": "sel", "offset": 21, "length": 3, "options": [ { "text": "sell", "score": 0.6666666, "freq": 60 } ] },
                  { "text": "thft", "offset": 25, "length": 4, "options": [ { "text": "theft", "score": 0.75, "freq": 90 } ] },
                  { "text": "assa", "offset": 30, "length": 4, "options": [] }
                ],
                "term#did_you_mean_2": [
                  { "text": "robery", "offset": 0, "length": 6, "options": [ { "text": "robbery", "score": 0.8333333, "freq": 412 } ] },
                  { "text": "xqzzqq", "offset": 7, "length": 6, "options": [] },
                  { "text": "cocane", "offset": 14, "length": 6, "options": [ { "text": "cocaine", "score": 0.8333333, "freq": 95 } ] },
                  { "text": "sel", "offset": 21, "length": 3, "options": [ { "text": "seal", "score": 0.6666666, "freq": 70 } ] },
                  { "text": "thft", "offset": 25, "length": 4, "options": [ { "text": "that", "score": 0.5, "freq": 900 } ] },
                  { "text": "assa", "offset": 30, "length": 4, "options": [] }
                ]
              }
            }
            """).OnLookup(0, 0, 0);
        var result = await SearchAsync(fake, Request("robery xqzzqq \"cocane sel\" thft assa*"));
        Assert.Equal(0, result.TotalCount);
        Assert.Empty(result.Hits);
        Assert.Equal("robbery xqzzqq \"cocaine sel\" theft assa*", result.Suggestion);
    }

    // A quoted word is taken as typed: never looked up, never fuzzy, and a connective in quotes is required (in the query
    // as a clause of its own). "Did you mean" may still correct it, keeping its quotes.
    [Fact]
    public async Task A_quoted_word_is_not_fuzzy_keeps_its_connective_and_its_suggestion_keeps_the_quotes()
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, """
            { "took": 1, "timed_out": false, "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
              "hits": { "total": { "value": 0, "relation": "eq" }, "max_score": null, "hits": [] },
              "suggest": {
                "term#did_you_mean_1": [ { "text": "thft", "offset": 0, "length": 4, "options": [ { "text": "theft", "score": 0.75, "freq": 90 } ] },
                                         { "text": "of", "offset": 5, "length": 2, "options": [] } ],
                "term#did_you_mean_2": [ { "text": "thft", "offset": 0, "length": 4, "options": [] },
                                         { "text": "of", "offset": 5, "length": 2, "options": [] } ] } }
            """);
        var result = await SearchAsync(fake, Request("\"thft\" \"of\""));
        Assert.Equal("\"theft\" \"of\"", result.Suggestion);
        var search = Assert.Single(fake.Requests).Body;
        var query = Newtonsoft.Json.Linq.JObject.Parse(search)["query"]!.ToString(Newtonsoft.Json.Formatting.None);
        Assert.Equal(0, CountOf(query, "\"fuzzy\""));
        Assert.Contains("\"value\":\"thft\"", query, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"of\"", query, StringComparison.Ordinal);
    }

    // "drunk" is held by the description (a synonym of the drunk-driving charges), not by the unstemmed words field the
    // suggester reads: its option "drug" must not replace a word the search knows ("zzqx" is what matched nothing).
    [Fact]
    public async Task A_suggestion_never_replaces_a_word_the_search_knows()
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, """
            { "took": 1, "timed_out": false, "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
              "hits": { "total": { "value": 0, "relation": "eq" }, "max_score": null, "hits": [] },
              "suggest": {
                "term#did_you_mean_1": [ { "text": "drunk", "offset": 0, "length": 5, "options": [ { "text": "drug", "score": 0.8, "freq": 700 } ] },
                                         { "text": "zzqx", "offset": 6, "length": 4, "options": [] } ],
                "term#did_you_mean_2": [ { "text": "drunk", "offset": 0, "length": 5, "options": [] },
                                         { "text": "zzqx", "offset": 6, "length": 4, "options": [] } ] } }
            """).OnLookup(4915, 0);
        Assert.Null((await SearchAsync(fake, Request("drunk zzqx"))).Suggestion);
    }

    [Fact]
    public async Task No_suggestion_when_every_word_is_known()
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, """
            { "took": 1, "timed_out": false, "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
              "hits": { "total": { "value": 0, "relation": "eq" }, "max_score": null, "hits": [] },
              "suggest": { "term#did_you_mean_1": [ { "text": "robbery", "offset": 0, "length": 7, "options": [] } ],
                           "term#did_you_mean_2": [ { "text": "robbery", "offset": 0, "length": 7, "options": [] } ] } }
            """).OnLookup(412);
        Assert.Null((await SearchAsync(fake, Request("robbery"))).Suggestion);
    }

    public static TheoryData<int, string> ErrorBodies => new()
    {
        { 400, """{"error":{"root_cause":[{"type":"query_shard_exception","reason":"failed to create query: secret internals","index":"charges-test-20261128050000"}],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[]},"status":400}""" },
        { 429, """{"error":{"root_cause":[{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}],"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"},"status":429}""" },
        { 500, """{"error":{"root_cause":[{"type":"null_pointer_exception","reason":null}],"type":"null_pointer_exception","reason":null},"status":500}""" },
        { 503, """{"error":{"root_cause":[],"type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,"failed_shards":[]},"status":503}""" },
        { 401, """{"error":{"root_cause":[{"type":"security_exception","reason":"missing authentication credentials for REST request [/charges-test/_search]"}],"type":"security_exception","reason":"missing authentication credentials"},"status":401}""" },
    };

    [Theory]
    [MemberData(nameof(ErrorBodies))]
    public async Task Engine_errors_become_search_unavailable_in_our_own_words(int status, string body)
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, status, body).OnLookup(900);
        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => SearchAsync(fake, Request("assault")));
        Assert.StartsWith("The search ", error.Message, StringComparison.Ordinal);
        foreach (var leak in new[] { "exception", "shards", "secret", "charges-test", "credentials" })
        {
            Assert.DoesNotContain(leak, error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task An_unreachable_cluster_is_search_unavailable()
    {
        var fake = new FakeElasticsearch().Unreachable();
        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => SearchAsync(fake, Request("assault")));
        Assert.DoesNotContain("localhost", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SearchUnavailableException>(() => fake.Engine().Search.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Count_of_a_cluster_without_the_index_is_zero_so_catch_up_rebuilds_it()
    {
        var fake = new FakeElasticsearch().On("POST", "/charges-test/_count", 404,
            """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [charges-test]"}],"type":"index_not_found_exception","reason":"no such index [charges-test]"},"status":404}""");
        Assert.Equal(0, await fake.Engine().Search.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_bulk_with_rejected_items_fails_but_deleting_an_unknown_id_does_not()
    {
        var rejected = new FakeElasticsearch()
            .On("HEAD", "/_alias/", 200, "")
            .On("POST", "/charges-test/_bulk", 200, """
                {"took":30,"errors":true,"items":[
                  {"index":{"_index":"charges-test-20261128050000","_id":"101","_version":2,"result":"updated","status":200,"_seq_no":5,"_primary_term":1,"_shards":{"total":1,"successful":1,"failed":0}}},
                  {"index":{"_index":"charges-test-20261128050000","_id":"102","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of primary operation"}}}]}
                """);
        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() =>
            rejected.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..2], CancellationToken.None));
        Assert.DoesNotContain("rejected execution", error.Message, StringComparison.Ordinal);

        var unknownDelete = new FakeElasticsearch()
            .On("HEAD", "/_alias/", 200, "")
            .On("POST", "/charges-test/_bulk", 200, """
                {"took":3,"errors":false,"items":[
                  {"delete":{"_index":"charges-test-20261128050000","_id":"999","_version":1,"result":"not_found","status":404,"_seq_no":6,"_primary_term":1,"_shards":{"total":1,"successful":1,"failed":0}}}]}
                """);
        await unknownDelete.Engine().Search.DeleteAsync([999], CancellationToken.None);
    }

    [Fact]
    public async Task A_search_before_the_index_exists_finds_nothing_as_on_lucene()
    {
        const string NotFound = """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [charges-test]","index":"charges-test"}],"type":"index_not_found_exception","reason":"no such index [charges-test]","index":"charges-test","resource.type":"index_or_alias","resource.id":"charges-test"},"status":404}""";
        var fake = new FakeElasticsearch().On("POST", SearchPath, 404, NotFound).On("POST", FakeElasticsearch.LookupPath, 404, NotFound);
        var words = await SearchAsync(fake, Request("assault", SearchFacet.State));
        Assert.Equal(0, words.TotalCount);
        Assert.Empty(words.Hits);
        Assert.Empty(Assert.Single(words.Facets).Buckets);
        // The lookup already told: no search is sent after it.
        Assert.Equal(["POST " + FakeElasticsearch.LookupPath + "&typed_keys=true"], fake.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal(0, (await SearchAsync(fake, Request("\"cruelty toward wife\""))).TotalCount);
    }

    [Fact]
    public async Task A_query_elasticsearch_finds_too_large_once_rewritten_is_the_clients_search_query_too_complex()
    {
        var fake = new FakeElasticsearch().OnLookup(0).On("POST", SearchPath, 400, """
            {"error":{"root_cause":[{"type":"too_many_nested_clauses","reason":"Query contains too many nested clauses; maxClauseCount is set to 1024"}],
              "type":"search_phase_execution_exception","reason":"all shards failed","phase":"query","grouped":true,
              "failed_shards":[{"shard":0,"index":"charges-test-20261128050000","node":"n1","reason":{"type":"too_many_nested_clauses","reason":"Query contains too many nested clauses; maxClauseCount is set to 1024"}}],
              "caused_by":{"type":"too_many_nested_clauses","reason":"Query contains too many nested clauses; maxClauseCount is set to 1024"}},"status":400}
            """);
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => SearchAsync(fake, Request("asault")));
        Assert.Equal("SEARCH_QUERY_TOO_COMPLEX", error.Code);
        Assert.DoesNotContain("maxClauseCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lookup_makes_only_words_the_index_lacks_fuzzy_and_its_answers_are_reused()
    {
        // "traffic" is held by 220 documents: exact only, so it cannot reach "trafficking"'s stem. "asault" is held by none.
        // "sex" has three letters: never fuzzy (it cannot reach "sec" of "INA SEC.101"), so never looked up.
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, ElasticRequestSnapshotTests.EmptySearch).OnLookup(220, 0);
        var engine = fake.Engine().Search;
        await engine.SearchAsync(Request("sex traffic asault"), CancellationToken.None);
        var lookup = Newtonsoft.Json.Linq.JObject.Parse(fake.Requests[0].Body);
        Assert.Equal("traffic", (string)lookup.SelectToken("aggregations.known.filters.filters[0].term.description.value")!);
        Assert.Equal("asault", (string)lookup.SelectToken("aggregations.known.filters.filters[1].term.description.value")!);
        Assert.Null(lookup.SelectToken("aggregations.known.filters.filters[2]"));
        // In the query (the highlight query repeats it): fuzzy for "asault" in the two fields, none for "sex" or "traffic".
        var search = Newtonsoft.Json.Linq.JObject.Parse(fake.Requests[1].Body)["query"]!.ToString(Newtonsoft.Json.Formatting.None);
        Assert.Equal(2, CountOf(search, "\"fuzzy\""));
        Assert.Contains("\"value\":\"asault\"", search, StringComparison.Ordinal);

        // Within the minute the answers are reused: the second search sends no lookup.
        await engine.SearchAsync(Request("asault traffic sex"), CancellationToken.None);
        Assert.Equal(3, fake.Requests.Count);
        Assert.DoesNotContain("request_cache", fake.Requests[2].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lookup_answer_without_its_buckets_is_search_unavailable_not_a_guess()
    {
        var fake = new FakeElasticsearch().On("POST", SearchPath, 200, ElasticRequestSnapshotTests.EmptySearch)
            .On("POST", FakeElasticsearch.LookupPath, 200, ElasticRequestSnapshotTests.EmptySearch);
        await Assert.ThrowsAsync<SearchUnavailableException>(() => SearchAsync(fake, Request("asault")));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
