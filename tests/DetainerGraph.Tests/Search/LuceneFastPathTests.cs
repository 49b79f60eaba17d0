using DetainerGraph.Data;
using DetainerGraph.Search;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The embedded engine's fast paths answer exactly what the plain ones do: a filter on a small vocabulary is a
/// cached bit set per segment, which must follow documents as they are replaced and deleted; and a page without
/// facets is collected out of document order (Lucene's bucket scorer), which must rank the same hits in the
/// same order, with the same scores, as a page collected in order (any facet asked for forces that path).
/// </summary>
public sealed class LuceneFastPathTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"));
    private readonly LuceneChargeSearch _engine;

    public LuceneFastPathTests()
    {
        _engine = new LuceneChargeSearch(new StorageOptions { Directory = _folder, ConnectionString = "" },
            Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName), NullLogger<LuceneChargeSearch>.Instance);
    }

    private static ChargeDocument Charge(long id, string text, ChargeStatus status, string state = "TX", DetainerOutcome outcome = DetainerOutcome.Open) =>
        new(id, id, text, null, null, status, state, (int)(id % 7) + 1, "County", new DateOnly(2017, 6, 3), outcome, DetainerType.I247A, "Mexico", new DateOnly(2017, 6, 1));

    private Task<ChargeSearchResult> SearchAsync(string query, ChargeSearchFilter filter, int limit = 50, SearchFacet[]? facets = null) =>
        _engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(query), filter, 0, limit, facets ?? []), CancellationToken.None);

    [Fact]
    public async Task A_cached_status_filter_follows_charges_that_are_replaced_and_deleted()
    {
        await _engine.IndexAsync([.. Enumerable.Range(1, 40).Select(i => Charge(i, "ASSAULT", i % 2 == 0 ? ChargeStatus.Conviction : ChargeStatus.Charge))], default);
        var convictions = new ChargeSearchFilter { Statuses = [ChargeStatus.Conviction] };
        Assert.Equal(20, (await SearchAsync("assault", convictions)).TotalCount);

        // Charge 1 becomes a conviction, charge 2 is deleted, charge 41 is a new conviction: the set cached for
        // the first search must not answer the second.
        await _engine.IndexAsync([Charge(1, "ASSAULT", ChargeStatus.Conviction), Charge(41, "ASSAULT", ChargeStatus.Conviction)], default);
        await _engine.DeleteAsync([2], default);
        var after = await SearchAsync("assault", convictions);
        Assert.Equal(21, after.TotalCount);
        var ids = after.Hits.Select(h => h.ChargeId).ToHashSet();
        Assert.Contains(1L, ids);
        Assert.Contains(41L, ids);
        Assert.DoesNotContain(2L, ids);
        Assert.All(after.Hits, h => Assert.True(h.ChargeId is 1 or 41 || h.ChargeId % 2 == 0));
        // The other status is its own set; an empty list allows nothing.
        Assert.Equal(19, (await SearchAsync("assault", new ChargeSearchFilter { Statuses = [ChargeStatus.Charge] })).TotalCount);
        Assert.Equal(0, (await SearchAsync("assault", new ChargeSearchFilter { Statuses = [] })).TotalCount);
    }

    [Fact]
    public async Task Cached_filters_combine_with_each_other_and_with_the_uncached_ones()
    {
        var documents = Enumerable.Range(1, 60).Select(i => Charge(i, i % 3 == 0 ? "AGGRAVATED ASSAULT" : "ASSAULT",
            i % 2 == 0 ? ChargeStatus.Conviction : ChargeStatus.Charge, i % 4 == 0 ? "CA" : "TX",
            i % 5 == 0 ? DetainerOutcome.DeclinedByLea : DetainerOutcome.Open)).ToList();
        await _engine.IndexAsync(documents, default);
        var filter = new ChargeSearchFilter
        {
            Statuses = [ChargeStatus.Conviction],
            States = ["tx"],
            Outcomes = [DetainerOutcome.Open, DetainerOutcome.DeclinedByLea],
            JurisdictionIds = [1, 2, 3],
        };
        var expected = documents.Where(d => d.Status == ChargeStatus.Conviction && d.State == "TX" && d.JurisdictionId is 1 or 2 or 3).Select(d => d.ChargeId).Order().ToList();
        var result = await SearchAsync("assault", filter, limit: 100);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Hits.Select(h => h.ChargeId).Order().ToList());
        Assert.Equal(expected.Count, result.TotalCount);
    }

    [Fact]
    public async Task Cached_jurisdiction_week_and_citizenship_filters_follow_charges_that_are_replaced_and_deleted()
    {
        // Jurisdiction 1..4, week 2017-06-03 or 2017-06-10, citizenship "Mexico", "Peru" or a name holding the key's separator.
        static ChargeDocument Placed(long id, int jurisdiction, int week, string citizenship) =>
            new(id, id, "ASSAULT", null, null, ChargeStatus.Charge, "TX", jurisdiction, "County", new DateOnly(2017, 6, 3).AddDays(7 * week), DetainerOutcome.Open, DetainerType.I247A, citizenship, null);
        string[] citizenships = ["Mexico", "Peru", "Mexico\u001fPeru"];
        var documents = Enumerable.Range(1, 48).Select(i => Placed(i, (i % 4) + 1, i % 2, citizenships[i % 3])).ToDictionary(d => d.ChargeId);
        await _engine.IndexAsync([.. documents.Values], default);
        ChargeSearchFilter[] filters =
        [
            new() { JurisdictionIds = [1, 3] },
            new() { WeekStarts = [new DateOnly(2017, 6, 10)] },
            new() { WeekFrom = new DateOnly(2017, 6, 4) },
            new() { WeekTo = new DateOnly(2017, 6, 3) },
            new() { Citizenships = ["Mexico", "Peru"] },
            new() { Citizenships = ["Mexico\u001fPeru"] },
            new() { JurisdictionIds = [2], WeekFrom = new DateOnly(2017, 6, 10), Citizenships = ["Peru"] },
        ];
        bool Allows(ChargeSearchFilter f, ChargeDocument d) =>
            (f.JurisdictionIds is null || f.JurisdictionIds.Contains(d.JurisdictionId!.Value))
            && (f.WeekStarts is null || f.WeekStarts.Contains(d.WeekStart!.Value))
            && (f.WeekFrom is null || d.WeekStart >= f.WeekFrom) && (f.WeekTo is null || d.WeekStart <= f.WeekTo)
            && (f.Citizenships is null || f.Citizenships.Contains(d.Citizenship!));
        async Task AssertExactAsync()
        {
            foreach (var filter in filters)
            {
                var expected = documents.Values.Where(d => Allows(filter, d)).Select(d => d.ChargeId).Order().ToList();
                var result = await SearchAsync("assault", filter, limit: 100);
                Assert.NotEmpty(expected);
                Assert.Equal(expected, result.Hits.Select(h => h.ChargeId).Order().ToList());
                Assert.Equal(expected.Count, result.TotalCount);
            }
        }

        await AssertExactAsync();
        // Every fourth charge moves to another jurisdiction, week and citizenship, charge 5 is deleted and 49-52 are new:
        // the sets cached by the first round must not answer the second.
        var moved = documents.Values.Where(d => d.ChargeId % 4 == 0).Select(d => Placed(d.ChargeId, ((int)d.JurisdictionId! % 4) + 1, 1 - (int)(d.ChargeId % 2), citizenships[(d.ChargeId + 1) % 3]))
            .Concat(Enumerable.Range(49, 4).Select(i => Placed(i, (i % 4) + 1, i % 2, citizenships[i % 3]))).ToList();
        await _engine.IndexAsync(moved, default);
        await _engine.DeleteAsync([5], default);
        foreach (var d in moved)
        {
            documents[d.ChargeId] = d;
        }
        documents.Remove(5);
        await AssertExactAsync();
    }

    [Theory]
    [InlineData("assault")]
    [InlineData("\"aggravated assault\"")]
    [InlineData("asault weapon")]
    public async Task A_page_that_repeats_a_text_marks_each_hit_as_a_page_of_that_hit_alone_would(string query)
    {
        // Three texts, each on many hits of the page: the page marks each distinct text once and hands it to every hit.
        string[] texts = ["ASSAULT", "AGGRAVATED ASSAULT WITH A WEAPON", "Assault (Aggravated) - weapon"];
        await _engine.IndexAsync([.. Enumerable.Range(1, 30).Select(i => Charge(i, texts[i % 3], ChargeStatus.Charge))], default);
        var page = await SearchAsync(query, new ChargeSearchFilter(), limit: 30);
        Assert.True(page.Hits.Count >= 10, $"{query} found {page.Hits.Count}");
        Assert.Contains(page.Hits, h => h.Highlight.Contains("<mark>", StringComparison.Ordinal));
        for (var i = 0; i < page.Hits.Count; i++)
        {
            var alone = await _engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(query), new ChargeSearchFilter(), i, 1, []), CancellationToken.None);
            Assert.Equal((alone.Hits[0].ChargeId, alone.Hits[0].Highlight), (page.Hits[i].ChargeId, page.Hits[i].Highlight));
        }
    }

    [Theory]
    [InlineData("assault")]
    [InlineData("asault")]
    [InlineData("assa*")]
    [InlineData("\"aggravated assault\"")]
    [InlineData("agg assault")]
    public async Task A_page_without_facets_ranks_the_same_hits_as_a_page_counted_in_document_order(string query)
    {
        // Many equal texts (equal scores, ordered by charge id) and a few longer ones, over several segments.
        for (var batch = 0; batch < 4; batch++)
        {
            await _engine.IndexAsync([.. Enumerable.Range((batch * 50) + 1, 50).Select(i => Charge(i,
                (i % 7) switch { 0 => "AGGRAVATED ASSAULT WITH A DEADLY WEAPON", 1 => "ASSAULT", 2 => "SIMPLE ASSAULT", 3 => "ASSAULTING A PEACE OFFICER", _ => "BURGLARY" },
                ChargeStatus.Charge))], default);
        }
        var filter = new ChargeSearchFilter();
        var plain = await SearchAsync(query, filter, limit: 60);
        var inOrder = await SearchAsync(query, filter, limit: 60, facets: [SearchFacet.Status]);
        Assert.True(plain.TotalCount > 10, $"{query} found {plain.TotalCount}");
        Assert.Equal(inOrder.TotalCount, plain.TotalCount);
        Assert.Equal(inOrder.Hits.Select(h => (h.ChargeId, h.Score)), plain.Hits.Select(h => (h.ChargeId, h.Score)));
    }

    public void Dispose()
    {
        _engine.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
