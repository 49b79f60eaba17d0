using DetainerGraph.Data;
using DetainerGraph.Search;
using DetainerGraph.Search.Elasticsearch;
using DetainerGraph.Tests.Infrastructure;
using Elastic.Clients.Elasticsearch;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// What every <see cref="IChargeSearch"/> engine guarantees over the shipped sample data, run against Lucene
/// always and against a live Elasticsearch 9 when <c>DETAINERGRAPH_ELASTICSEARCH_URL</c> is set.
/// <para>Both engines guarantee: the right charges first for the done-means queries (DUI, drunk driving, asault,
/// agg assault, "cruelty toward wife"), with the matched words marked; exact totals (equal to the database's
/// count where the meaning is unambiguous); hits in non-increasing score order; facets over all hits that add
/// up to the total, and a facet value that filters to exactly its count; filters inside the engine; pages
/// that add up to one long page, by position or after a hit; any string gives results or a coded query error;
/// index and database counts agree.</para>
/// <para>Both read the query through <see cref="ChargeQueryPlan"/>: only words the index lacks are fuzzy (so
/// <c>sex</c> never reaches "INA SEC.101", nor <c>trafficking</c> "Traffic Offense"), and a trailing <c>*</c> is
/// a prefix of the unstemmed word (<c>weapons*</c> is not <c>weapon*</c>).</para>
/// <para>They may differ in: raw scores (per-engine BM25 statistics and norms) and so the order of hits of
/// equal relevance further down; which near-misses a typo reaches beyond the intended word (Lucene blends its
/// expansions itself, Elasticsearch with <c>top_terms_blended_freqs_50</c>); the wording of a suggestion.</para>
/// </summary>
public abstract class ChargeSearchContractTests<TEngine>(TEngine fixture)
    where TEngine : ContractEngine
{
    private static readonly SearchFacet[] AllFacets = Enum.GetValues<SearchFacet>();

    private IChargeSearch Engine
    {
        get
        {
            Skip.If(fixture.Engine is null, fixture.SkipReason);
            return fixture.Engine!;
        }
    }

    private Task<ChargeSearchResult> SearchAsync(string query, ChargeSearchFilter? filter = null, int offset = 0, int limit = 20,
        SearchFacet[]? facets = null, SearchAfterKey? after = null) =>
        // Over the synthetic demo's charges, whose vocabulary these guarantees name (published-only search is in Truth/).
        Engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(query), (filter ?? new ChargeSearchFilter()).WithSourceKinds([SourceKind.Synthetic]),
                offset, limit, facets ?? [], true, after),
            CancellationToken.None);

    private Task<Dictionary<long, string>> DescriptionsAsync() =>
        fixture.App.WithDbAsync(db => db.Charges.Where(c => c.Detainer.IsSynthetic).ToDictionaryAsync(c => c.Id, c => c.Description));

    [SkippableTheory]
    [InlineData("DUI")]
    [InlineData("drunk driving")]
    public async Task Impaired_driving_finds_every_driving_under_influence_charge_and_nothing_else_marked(string query)
    {
        var result = await SearchAsync(query, limit: 10);
        var descriptions = await DescriptionsAsync();
        Assert.Equal(descriptions.Values.Count(d => d.Contains("DRIVING UNDER INFLUENCE", StringComparison.OrdinalIgnoreCase)), result.TotalCount);
        Assert.Equal(10, result.Hits.Count);
        Assert.All(result.Hits, h =>
        {
            Assert.Contains("driving under influence", descriptions[h.ChargeId], StringComparison.OrdinalIgnoreCase);
            Assert.Contains("<mark>", h.Highlight, StringComparison.Ordinal);
        });
    }

    [SkippableFact]
    public async Task A_word_the_index_holds_is_taken_as_meant_and_never_widened_to_its_neighbours()
    {
        // What each charge's description and codes field say (the category is in the codes).
        var descriptions = await fixture.App.WithDbAsync(db => db.Charges.ToDictionaryAsync(c => c.Id, c => c.Description + " " + c.Category));
        // "sex" is one edit from "sec", which the standard tokenizer cuts from "INA SEC.101(a)(43)".
        var sex = await SearchAsync("sex", limit: 1000);
        Assert.True(sex.TotalCount is > 0 and <= 1000, $"sex found {sex.TotalCount}");
        Assert.All(sex.Hits, h => Assert.Contains("sex", descriptions[h.ChargeId], StringComparison.OrdinalIgnoreCase));
        // "trafficking" (stem "traffick") is one edit from "traffic": no "Traffic Offense" without the word itself.
        var trafficking = await SearchAsync("trafficking", limit: 1000);
        Assert.True(trafficking.TotalCount is > 0 and <= 1000, $"trafficking found {trafficking.TotalCount}");
        Assert.All(trafficking.Hits, h => Assert.Contains("traffick", descriptions[h.ChargeId], StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task A_trailing_star_is_a_prefix_of_the_unstemmed_word()
    {
        var descriptions = await DescriptionsAsync();
        // "weapons*" must not become the stem "weapon*": only words that start with "weapons" count.
        var expected = descriptions.Values.Count(d => System.Text.RegularExpressions.Regex.IsMatch(d, @"\bweapons", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        Assert.Equal(expected, (await SearchAsync("weapons*", limit: 0)).TotalCount);
        Assert.True((await SearchAsync("weapon*", limit: 0)).TotalCount > expected);
    }

    [SkippableTheory]
    [InlineData("assault")]
    [InlineData("asault")]
    public async Task Assault_or_a_typo_of_it_finds_the_plain_assault_charges_first(string query)
    {
        // "Sex Assault" must not outrank "Assault": its synonym expansion once counted "assault" twice.
        var result = await SearchAsync(query, limit: 5);
        var descriptions = await DescriptionsAsync();
        Assert.Equal(5, result.Hits.Count);
        Assert.All(result.Hits, h => Assert.Equal("assault", descriptions[h.ChargeId], StringComparer.OrdinalIgnoreCase));
        Assert.All(result.Hits, h => Assert.Equal("<mark>Assault</mark>", h.Highlight, StringComparer.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task A_typo_finds_what_the_word_finds_including_through_the_category()
    {
        // At least what the word finds (its category matches too); near-misses of the typo may add a few.
        var typo = await SearchAsync("asault", limit: 0, facets: [SearchFacet.ChargeCategory]);
        var word = await SearchAsync("assault", limit: 0, facets: [SearchFacet.ChargeCategory]);
        Assert.True(word.TotalCount > 0);
        Assert.True(typo.TotalCount >= word.TotalCount, $"asault found {typo.TotalCount}, assault {word.TotalCount}");
        var assaults = word.Facets[0].Buckets.Single(b => b.Value == "Assault").Count;
        Assert.Equal(assaults, typo.Facets[0].Buckets.Single(b => b.Value == "Assault").Count);
    }

    [SkippableFact]
    public async Task Agg_assault_finds_aggravated_assault_first()
    {
        var result = await SearchAsync("agg assault", limit: 5);
        var descriptions = await DescriptionsAsync();
        Assert.Equal("Aggravated Assault - Weapon", descriptions[result.Hits[0].ChargeId]);
        Assert.Equal("<mark>Aggravated</mark> <mark>Assault</mark> - Weapon", result.Hits[0].Highlight);
    }

    [SkippableFact]
    public async Task A_phrase_matches_exactly_and_in_order()
    {
        var result = await SearchAsync("\"cruelty toward wife\"", limit: 100);
        var descriptions = await DescriptionsAsync();
        var expected = descriptions.Values.Count(d => d.Equals("CRUELTY TOWARD WIFE", StringComparison.OrdinalIgnoreCase));
        Assert.True(expected > 0);
        Assert.Equal(expected, result.TotalCount);
        Assert.All(result.Hits, h => Assert.Equal("<mark>CRUELTY</mark> <mark>TOWARD</mark> <mark>WIFE</mark>", h.Highlight));
        Assert.Equal(0, (await SearchAsync("\"wife toward cruelty\"")).TotalCount);
    }

    [SkippableFact]
    public async Task An_ncic_code_finds_exactly_its_charges_and_a_prefix_finds_words_starting_with_it()
    {
        var code = await fixture.App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic && c.NcicCode == "5404"));
        Assert.Equal(code, (await SearchAsync("5404")).TotalCount);
        var descriptions = await DescriptionsAsync();
        var prefix = await SearchAsync("cocai*", limit: 50);
        Assert.NotEmpty(prefix.Hits);
        Assert.All(prefix.Hits, h => Assert.Contains("cocaine", descriptions[h.ChargeId], StringComparison.OrdinalIgnoreCase));
        Assert.All(prefix.Hits, h => Assert.Contains("<mark>cocaine</mark>", h.Highlight, StringComparison.OrdinalIgnoreCase));
    }

    [SkippableFact]
    public async Task Hits_come_best_first()
    {
        var result = await SearchAsync("assault weapon", limit: 50);
        Assert.NotEmpty(result.Hits);
        for (var i = 1; i < result.Hits.Count; i++)
        {
            Assert.True(result.Hits[i - 1].Score >= result.Hits[i].Score, $"hit {i} scores above hit {i - 1}");
        }
    }

    [SkippableFact]
    public async Task Filters_run_in_the_engine_so_totals_equal_the_database()
    {
        var filter = new ChargeSearchFilter
        {
            WeekFrom = new DateOnly(2017, 2, 4),
            WeekTo = new DateOnly(2017, 2, 11),
            Outcomes = [DetainerOutcome.DeclinedByLea],
            Statuses = [ChargeStatus.Conviction],
        };
        var expected = await fixture.App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic && c.Detainer.WeekStart >= filter.WeekFrom
            && c.Detainer.WeekStart <= filter.WeekTo && c.Detainer.Outcome == DetainerOutcome.DeclinedByLea && c.Status == ChargeStatus.Conviction));
        Assert.True(expected > 0);
        Assert.Equal(expected, (await SearchAsync("", filter, limit: 0)).TotalCount);
        var synthetic = await fixture.App.WithDbAsync(db => db.Charges.LongCountAsync(c => c.Detainer.IsSynthetic));
        Assert.Equal(synthetic, (await SearchAsync("", limit: 0)).TotalCount);
        var all = await fixture.App.WithDbAsync(db => db.Charges.LongCountAsync());
        Assert.Equal(all, await Engine.CountAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Facets_count_all_hits_add_up_and_each_value_filters_to_its_count()
    {
        var result = await SearchAsync("assault", limit: 1, facets: AllFacets);
        Assert.True(result.TotalCount > 1);
        Assert.Equal(AllFacets, result.Facets.Select(f => f.Field));
        Assert.All(result.Facets, f => Assert.Equal(result.TotalCount, f.Buckets.Sum(b => b.Count)));
        Assert.Contains(result.Facets.Single(f => f.Field == SearchFacet.Week).Buckets, b => b.Value is null);

        var state = result.Facets.Single(f => f.Field == SearchFacet.State).Buckets[0];
        Assert.Equal(state.Count, (await SearchAsync("assault", new ChargeSearchFilter { States = [state.Value!] }, limit: 0)).TotalCount);
        var jurisdiction = result.Facets.Single(f => f.Field == SearchFacet.Jurisdiction).Buckets[0];
        Assert.Equal(jurisdiction.Count, (await SearchAsync("assault",
            new ChargeSearchFilter { JurisdictionIds = [int.Parse(jurisdiction.Value!, System.Globalization.CultureInfo.InvariantCulture)] }, limit: 0)).TotalCount);
        var week = result.Facets.Single(f => f.Field == SearchFacet.Week).Buckets[0];
        var day = DateOnly.Parse(week.Value!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(week.Count, (await SearchAsync("assault", new ChargeSearchFilter { WeekFrom = day, WeekTo = day }, limit: 0)).TotalCount);
    }

    [SkippableFact]
    public async Task Pages_by_position_and_after_a_hit_add_up_to_one_long_page()
    {
        var whole = (await SearchAsync("theft", limit: 30)).Hits.Select(h => h.ChargeId).ToList();
        Assert.Equal(30, whole.Count);
        var byPosition = new List<long>();
        var afterHit = new List<long>();
        SearchAfterKey? after = null;
        for (var page = 0; page < 3; page++)
        {
            byPosition.AddRange((await SearchAsync("theft", offset: page * 10, limit: 10)).Hits.Select(h => h.ChargeId));
            var hits = (await SearchAsync("theft", offset: page * 10, limit: 10, after: after)).Hits;
            afterHit.AddRange(hits.Select(h => h.ChargeId));
            after = new SearchAfterKey(hits[^1].Score, hits[^1].ChargeId);
        }
        Assert.Equal(whole, byPosition);
        Assert.Equal(whole, afterHit);
    }

    /// <summary>
    /// The writes a running server makes (an import's drain, a correction, a retraction) through the live index: the
    /// index is current (its analysis is this version's), a written charge is found when the write returns, a rewrite
    /// replaces it, a deletion removes it, and the count comes back to the database's.
    /// </summary>
    [SkippableFact]
    public async Task A_written_charge_is_found_when_the_write_returns_and_gone_when_deleted()
    {
        Assert.True(await Engine.IsAnalysisCurrentAsync(CancellationToken.None));
        var count = await Engine.CountAsync(CancellationToken.None);
        const long Id = 9_000_000_001;
        ChargeDocument Written(string description) => new(Id, 9_000_000_001, description, "9999", "Contract Check", ChargeStatus.Charge, "TX", null, null,
            new DateOnly(2017, 1, 28), DetainerOutcome.Open, DetainerType.Unknown, null, new DateOnly(2017, 1, 29), IsSynthetic: true);
        async Task<long> FoundAsync(string query) => (await SearchAsync(query, limit: 1)).TotalCount;

        await Engine.IndexAsync([Written("Zyxwvut contract check")], CancellationToken.None);
        Assert.Equal(1, await FoundAsync("zyxwvut"));
        await Engine.IndexAsync([Written("Qwertzu contract check")], CancellationToken.None);
        Assert.Equal((0, 1), (await FoundAsync("zyxwvut"), await FoundAsync("qwertzu")));
        await Engine.DeleteAsync([Id], CancellationToken.None);

        Assert.Equal(0, await FoundAsync("qwertzu"));
        Assert.Equal(count, await Engine.CountAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task Past_the_result_window_is_a_coded_error()
    {
        var error = await Assert.ThrowsAsync<SearchQueryException>(() => SearchAsync("theft", offset: ChargeSearchRequest.MaxResultWindow, limit: 1));
        Assert.Equal("SEARCH_WINDOW_TOO_LARGE", error.Code);
    }

    [SkippableTheory]
    [MemberData(nameof(SampleDataSearchTests.HostileStrings), MemberType = typeof(SampleDataSearchTests))]
    public async Task Any_string_gives_results_or_a_coded_query_error(string query)
    {
        _ = Engine;
        ChargeQuery parsed;
        try
        {
            parsed = ChargeQuery.Parse(query);
        }
        catch (SearchQueryException e)
        {
            Assert.StartsWith("SEARCH_QUERY_TOO_", e.Code, StringComparison.Ordinal);
            return;
        }
        var result = await Engine.SearchAsync(new ChargeSearchRequest(parsed, new ChargeSearchFilter(), 0, 5, AllFacets), CancellationToken.None);
        // The page is the first five of the total, whatever the total.
        Assert.Equal(Math.Min(5, result.TotalCount), result.Hits.Count);
        Assert.All(result.Hits, h => Assert.DoesNotContain("<script", h.Highlight, StringComparison.Ordinal));
        Assert.All(result.Facets, f => Assert.Equal(result.TotalCount, f.Buckets.Sum(b => b.Count)));
    }
}

/// <summary>An engine loaded with the shipped sample data, beside the database it was loaded from.</summary>
public abstract class ContractEngine : IAsyncLifetime
{
    public TestApp App { get; } = new(loadSampleData: true);

    public IChargeSearch? Engine { get; protected set; }

    public string SkipReason { get; protected set; } = "";

    public abstract Task InitializeAsync();

    public virtual Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class LuceneEngine : ContractEngine
{
    public override Task InitializeAsync()
    {
        Engine = App.Started().GetRequiredService<IChargeSearch>();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A live Elasticsearch 9 at <c>DETAINERGRAPH_ELASTICSEARCH_URL</c> (e.g. the docker stack's), loaded through
/// a rebuild into an index of its own that is deleted afterwards. Without the variable the tests are skipped.
/// </summary>
public sealed class ElasticsearchEngine : ContractEngine
{
    public const string UrlVariable = "DETAINERGRAPH_ELASTICSEARCH_URL";

    private ElasticsearchClient? _client;
    private string? _prefix;

    public override async Task InitializeAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            SkipReason = $"No live Elasticsearch: set {UrlVariable} (e.g. http://localhost:9200) to run the contract against it.";
            return;
        }
        _prefix = "detainergraph-contract-" + Guid.NewGuid().ToString("N")[..12];
        var options = new ElasticsearchOptions
        {
            Url = new Uri(url),
            Username = Environment.GetEnvironmentVariable("DETAINERGRAPH_ELASTICSEARCH_USERNAME"),
            Password = Environment.GetEnvironmentVariable("DETAINERGRAPH_ELASTICSEARCH_PASSWORD"),
            ApiKey = Environment.GetEnvironmentVariable("DETAINERGRAPH_ELASTICSEARCH_APIKEY"),
            IndexPrefix = _prefix,
            RequestTimeout = TimeSpan.FromSeconds(30),
        };
        _client = new ElasticsearchClient(options.ClientSettings());
        var engine = new ElasticChargeSearch(_client, options,
            ElasticChargeIndex.ReadSynonymRules(Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName)),
            TimeProvider.System, NullLogger<ElasticChargeSearch>.Instance);
        App.Started();
        await App.WithDbAsync(async db =>
        {
            await engine.RebuildAsync(ChargeDocuments.Of(db.Charges.OrderBy(c => c.Id)).AsAsyncEnumerable(), CancellationToken.None);
            return true;
        });
        // Composed as the app composes it: the page window is checked, and searches bounded, by the time limit.
        Engine = new TimeLimitedChargeSearch(engine, new ChargeSearchOptions(options.RequestTimeout), TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        if (_client is not null && _prefix is not null)
        {
            // By name: wildcard deletes are refused since 8.0 (action.destructive_requires_name).
            var aliased = await _client.Indices.GetAliasAsync(new Elastic.Clients.Elasticsearch.IndexManagement.GetAliasRequest(Names.Parse(_prefix)));
            var names = (aliased.IsValidResponse ? aliased.Aliases?.Keys ?? [] : []).Append(_prefix + "_lock").ToList();
            foreach (var name in names)
            {
                var deleted = await _client.Indices.DeleteAsync(new Elastic.Clients.Elasticsearch.IndexManagement.DeleteIndexRequest(name));
                Assert.True(deleted.IsValidResponse || deleted.ApiCallDetails.HttpStatusCode == 404, $"could not delete the contract index {name}");
            }
        }
        (Engine as IDisposable)?.Dispose();
        await base.DisposeAsync();
    }
}

public sealed class LuceneChargeSearchContractTests(LuceneEngine fixture)
    : ChargeSearchContractTests<LuceneEngine>(fixture), IClassFixture<LuceneEngine>;

public sealed class ElasticsearchChargeSearchContractTests(ElasticsearchEngine fixture)
    : ChargeSearchContractTests<ElasticsearchEngine>(fixture), IClassFixture<ElasticsearchEngine>;
