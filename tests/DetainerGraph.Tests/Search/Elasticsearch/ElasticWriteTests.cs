using DetainerGraph.Search;

namespace DetainerGraph.Tests.Search.Elasticsearch;

/// <summary>
/// How the Elasticsearch engine writes, from the requests it sends and the 9.x answers it gets back: retries
/// with back-off, one refresh per call, the rebuild lock, the alias swap and the bootstrap index.
/// </summary>
public sealed class ElasticWriteTests
{
    private const string BulkPath = "/charges-test/_bulk";
    private const string BulkOk = """{"took":3,"errors":false,"items":[]}""";
    private const string Rejected = """{"error":{"root_cause":[{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}],"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"},"status":429}""";

    private static IEnumerable<string> Calls(FakeElasticsearch fake) => fake.Requests.Select(r => $"{r.Method} {r.PathAndQuery}");

    private static ChargeDocument[] Many(int count) =>
        [.. Enumerable.Range(1, count).Select(i => ElasticRequestSnapshotTests.Documents[0] with { ChargeId = i })];

    [Fact]
    public async Task A_bulk_refused_with_429_is_sent_again_after_a_back_off_and_then_succeeds()
    {
        var fake = new FakeElasticsearch().On("HEAD", "/_alias/", 200, "")
            .OnSequence("POST", BulkPath, (429, Rejected), (503, """{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}"""), (200, BulkOk));
        await fake.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..2], CancellationToken.None);
        Assert.Equal(3, fake.Requests.Count(r => r.PathAndQuery.StartsWith(BulkPath, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Only_the_items_refused_with_429_are_sent_again()
    {
        var fake = new FakeElasticsearch().On("HEAD", "/_alias/", 200, "")
            .OnSequence("POST", BulkPath, (200, """
                {"took":30,"errors":true,"items":[
                  {"index":{"_index":"charges-test-20261128050000","_id":"101","_version":2,"result":"updated","status":200,"_seq_no":5,"_primary_term":1,"_shards":{"total":1,"successful":1,"failed":0}}},
                  {"index":{"_index":"charges-test-20261128050000","_id":"102","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of primary operation"}}}]}
                """), (200, BulkOk));
        await fake.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..2], CancellationToken.None);
        var second = fake.Requests.Last().Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, second.Length);
        Assert.Contains("\"_id\":\"102\"", second[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bulk_still_refused_after_every_retry_is_search_unavailable()
    {
        var fake = new FakeElasticsearch().On("HEAD", "/_alias/", 200, "").On("POST", BulkPath, 429, Rejected);
        await Assert.ThrowsAsync<SearchUnavailableException>(() => fake.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..1], CancellationToken.None));
        // The first try and five retries.
        Assert.Equal(6, fake.Requests.Count(r => r.PathAndQuery.StartsWith(BulkPath, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_item_refused_for_its_content_fails_at_once_without_retries()
    {
        var fake = new FakeElasticsearch().On("HEAD", "/_alias/", 200, "").On("POST", BulkPath, 200, """
            {"took":3,"errors":true,"items":[
              {"index":{"_index":"charges-test-20261128050000","_id":"101","status":400,"error":{"type":"strict_dynamic_mapping_exception","reason":"[1:2] mapping set to strict, dynamic introduction of [x] within [_doc] is not allowed"}}}]}
            """);
        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => fake.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..1], CancellationToken.None));
        Assert.Equal("The search engine refused 1 documents.", error.Message);
        Assert.Single(fake.Requests, r => r.PathAndQuery.StartsWith(BulkPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Indexing_many_documents_waits_for_a_refresh_only_on_its_last_bulk()
    {
        var fake = new FakeElasticsearch().On("HEAD", "/_alias/", 200, "").On("POST", BulkPath, 200, BulkOk);
        await fake.Engine().Search.IndexAsync(Many(2_500), CancellationToken.None);
        Assert.Equal(
            ["HEAD /_alias/charges-test", "GET /charges-test/_mapping", "POST /charges-test/_bulk?refresh=false&require_alias=true", "POST /charges-test/_bulk?refresh=false&require_alias=true",
             "POST /charges-test/_bulk?refresh=wait_for&require_alias=true"],
            Calls(fake));
    }

    [Fact]
    public async Task Two_processes_racing_to_create_the_first_index_end_with_one_the_loser_finds_the_alias_on_it()
    {
        var fake = new FakeElasticsearch()
            .OnSequence("HEAD", "/_alias/", (404, ""), (200, ""))
            .On("PUT", "/charges-test-000000", 400, """{"error":{"root_cause":[{"type":"resource_already_exists_exception","reason":"index [charges-test-000000/abc] already exists","index_uuid":"abc","index":"charges-test-000000"}],"type":"resource_already_exists_exception","reason":"index [charges-test-000000/abc] already exists","index_uuid":"abc","index":"charges-test-000000"},"status":400}""")
            .On("POST", BulkPath, 200, BulkOk);
        await fake.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..1], CancellationToken.None);
        Assert.Equal(["HEAD /_alias/charges-test", "PUT /charges-test-000000", "HEAD /_alias/charges-test", "GET /charges-test/_mapping", "POST /charges-test/_bulk?refresh=wait_for&require_alias=true"], Calls(fake));
    }

    [Fact]
    public async Task A_rebuild_while_another_holds_the_lock_is_refused_before_it_creates_anything()
    {
        var fake = new FakeElasticsearch()
            .On("PUT", "/charges-test_lock/_create/rebuild", 409, """{"error":{"root_cause":[{"type":"version_conflict_engine_exception","reason":"[rebuild]: version conflict, document already exists (current version [1])"}],"type":"version_conflict_engine_exception","reason":"[rebuild]: version conflict, document already exists (current version [1])","index_uuid":"u","shard":"0","index":"charges-test_lock"},"status":409}""")
            .On("GET", "/charges-test_lock/_doc/rebuild", 200, """{"_index":"charges-test_lock","_id":"rebuild","_version":1,"_seq_no":0,"_primary_term":1,"found":true,"_source":{"owner":"host-a/17/x","expires_at":4102444800000}}""");
        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() =>
            fake.Engine().Search.RebuildAsync(ElasticRequestSnapshotTests.Documents.ToAsyncEnumerable(), CancellationToken.None));
        Assert.Contains("Another process is rebuilding", error.Message, StringComparison.Ordinal);
        Assert.Equal(["PUT /charges-test_lock/_create/rebuild", "GET /charges-test_lock/_doc/rebuild"], Calls(fake));
    }

    [Fact]
    public async Task An_expired_lock_of_a_rebuild_that_died_is_taken_over_by_its_version()
    {
        var fake = new FakeElasticsearch()
            .OnSequence("PUT", "/charges-test_lock/_create/rebuild",
                (409, """{"error":{"type":"version_conflict_engine_exception","reason":"[rebuild]: version conflict, document already exists (current version [3])"},"status":409}"""),
                (201, ElasticRequestSnapshotTests.LockCreated))
            .On("GET", "/charges-test_lock/_doc/rebuild", 200, """{"_index":"charges-test_lock","_id":"rebuild","_version":3,"_seq_no":7,"_primary_term":2,"found":true,"_source":{"owner":"host-a/17/x","expires_at":1000}}""")
            .On("DELETE", "/charges-test_lock/_doc/rebuild", 200, ElasticRequestSnapshotTests.LockDeleted)
            .On("PUT", "/charges-test-", 200, ElasticRequestSnapshotTests.Acknowledged)
            .On("POST", "/charges-test-20261128050000/_bulk", 200, BulkOk)
            .On("POST", "/charges-test-20261128050000/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .On("GET", "/_alias/", 404, """{"error":"alias [charges-test] missing","status":404}""")
            .On("POST", "/_aliases", 200, """{"acknowledged":true}""");
        await fake.Engine().Search.RebuildAsync(ElasticRequestSnapshotTests.Documents.ToAsyncEnumerable(), CancellationToken.None);
        var calls = Calls(fake).ToList();
        Assert.Equal("DELETE /charges-test_lock/_doc/rebuild?if_seq_no=7&if_primary_term=2", calls[2]);
        Assert.Equal("PUT /charges-test_lock/_create/rebuild", calls[3]);
        // Released at the end: only the version this rebuild created.
        Assert.Equal("DELETE /charges-test_lock/_doc/rebuild?if_seq_no=0&if_primary_term=1", calls[^1]);
    }

    [Fact]
    public async Task A_rebuild_whose_bulks_keep_failing_retries_then_deletes_its_new_index_never_moves_the_alias_and_releases_the_lock()
    {
        var fake = new FakeElasticsearch()
            .On("PUT", "/charges-test_lock/_create/rebuild", 201, ElasticRequestSnapshotTests.LockCreated)
            .On("DELETE", "/charges-test_lock/_doc/rebuild", 200, ElasticRequestSnapshotTests.LockDeleted)
            .On("PUT", "/charges-test-", 200, ElasticRequestSnapshotTests.Acknowledged)
            .On("POST", "/charges-test-20261128050000/_bulk", 503, """{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}""")
            .On("DELETE", "/charges-test-20261128050000", 200, """{"acknowledged":true}""");
        await Assert.ThrowsAsync<SearchUnavailableException>(() =>
            fake.Engine().Search.RebuildAsync(ElasticRequestSnapshotTests.Documents.ToAsyncEnumerable(), CancellationToken.None));
        Assert.Equal(
            ["PUT /charges-test_lock/_create/rebuild", "PUT /charges-test-20261128050000",
             .. Enumerable.Repeat("POST /charges-test-20261128050000/_bulk?refresh=false", 6),
             "DELETE /charges-test-20261128050000", "DELETE /charges-test_lock/_doc/rebuild?if_seq_no=0&if_primary_term=1"],
            Calls(fake));
    }

    /// <summary>A rebuild that takes the lock, loads and refreshes its new index, with the alias on an older index: up to the swap.</summary>
    private static FakeElasticsearch LoadedOverAnOldIndex() => new FakeElasticsearch()
        .On("PUT", "/charges-test_lock/_create/rebuild", 201, ElasticRequestSnapshotTests.LockCreated)
        .On("DELETE", "/charges-test_lock/_doc/rebuild", 200, ElasticRequestSnapshotTests.LockDeleted)
        .On("PUT", "/charges-test-", 200, ElasticRequestSnapshotTests.Acknowledged)
        .On("POST", "/charges-test-20261128050000/_bulk", 200, BulkOk)
        .On("POST", "/charges-test-20261128050000/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
        .On("GET", "/_alias/", 200, """{"charges-test-20261101000000":{"aliases":{"charges-test":{}}}}""");

    [Fact]
    public async Task A_failed_alias_swap_deletes_the_new_index_so_no_orphan_is_left()
    {
        var fake = LoadedOverAnOldIndex()
            .On("POST", "/_aliases", 404, """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [charges-test-20261101000000]"}],"type":"index_not_found_exception","reason":"no such index [charges-test-20261101000000]"},"status":404}""")
            .On("DELETE", "/charges-test-20261128050000", 200, """{"acknowledged":true}""");
        await Assert.ThrowsAsync<SearchUnavailableException>(() =>
            fake.Engine().Search.RebuildAsync(ElasticRequestSnapshotTests.Documents.ToAsyncEnumerable(), CancellationToken.None));
        Assert.Contains("DELETE /charges-test-20261128050000", Calls(fake));
        Assert.DoesNotContain("DELETE /charges-test-20261101000000", Calls(fake));
    }

    [Fact]
    public async Task An_alias_swap_that_fails_after_the_cluster_applied_it_keeps_the_new_index_and_completes_the_rebuild()
    {
        var fake = LoadedOverAnOldIndex()
            // A node answers 502 though the cluster moved the alias: the lookup after the failure names the new index.
            .OnSequence("GET", "/_alias/",
                (200, """{"charges-test-20261101000000":{"aliases":{"charges-test":{}}}}"""),
                (200, """{"charges-test-20261128050000":{"aliases":{"charges-test":{}}}}"""))
            .On("POST", "/_aliases", 502, """{"error":{"type":"bad_gateway","reason":"the node went away"},"status":502}""")
            .On("DELETE", "/charges-test-2026", 200, """{"acknowledged":true}""");

        await fake.Engine().Search.RebuildAsync(ElasticRequestSnapshotTests.Documents.ToAsyncEnumerable(), CancellationToken.None);

        Assert.DoesNotContain("DELETE /charges-test-20261128050000", Calls(fake));
        Assert.Contains("DELETE /charges-test-20261101000000", Calls(fake));
    }

    [Fact]
    public async Task A_rebuild_stopped_while_its_alias_swap_is_in_flight_keeps_the_index_the_alias_moved_to()
    {
        using var stop = new CancellationTokenSource();
        var fake = LoadedOverAnOldIndex()
            // Ctrl+C while the swap is on its way: the cluster has moved the alias by the time the stop is seen.
            .On("POST", "/_aliases", () =>
            {
                stop.Cancel();
                return new FakeElasticsearch.Canned(200, """{"acknowledged":true}""");
            })
            .On("DELETE", "/charges-test-2026", 200, """{"acknowledged":true}""");

        await fake.Engine().Search.RebuildAsync(ElasticRequestSnapshotTests.Documents.ToAsyncEnumerable(), stop.Token);

        // The new index, which the alias now names, is kept; the old one goes as after any rebuild.
        Assert.DoesNotContain("DELETE /charges-test-20261128050000", Calls(fake));
        Assert.Contains("DELETE /charges-test-20261101000000", Calls(fake));
    }

    [Fact]
    public void Only_no_answer_429_and_gateway_errors_are_worth_a_retry()
    {
        Assert.True(DetainerGraph.Search.Elasticsearch.ElasticChargeSearch.IsRetryable(null));
        Assert.All(new int?[] { 429, 502, 503, 504 }, s => Assert.True(DetainerGraph.Search.Elasticsearch.ElasticChargeSearch.IsRetryable(s)));
        Assert.All(new int?[] { 400, 401, 403, 404, 409, 500 }, s => Assert.False(DetainerGraph.Search.Elasticsearch.ElasticChargeSearch.IsRetryable(s)));
    }
}
