using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Search;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging.Abstractions;
using LuceneVersion = Lucene.Net.Util.LuceneVersion;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The embedded engine filters state, outcome, charge status, category and source kind from the facets' doc values
/// (documents no longer carry an indexed term for them; jurisdiction, week, citizenship and type keep theirs), and its
/// tie-break reads charge ids from the id terms (documents no longer carry sort_id doc values). Each filter must allow exactly the documents whose value equals one of the filter's, byte
/// for byte as a term would have matched, including values that are absent, empty or hold odd characters; and an index
/// written before the change (terms, sort_id doc values, a facet missing from old documents) must answer the same.
/// </summary>
public sealed class LuceneDocValuesFilterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"));

    private static readonly string?[] States = ["TX", "CA", "", null, "NY"];
    private static readonly string?[] Citizenships = ["Mexico", "Peru", "Mexico\u001fPeru", "", null, "Côte d'Ivoire", "日本", "a b", "🙂", "\uD800x"];
    private static readonly string?[] Categories = ["Assault", "Drugs", "", null, "Ünïcode/Category"];
    private static readonly int?[] Jurisdictions = [1, 2, 12, 21, null];
    private static readonly string?[] JurisdictionNames = ["County", "Name\u001fwith separator", ""];
    private static readonly DateOnly?[] Weeks = [new(2017, 6, 3), new(2017, 6, 10), new(2017, 6, 17), new(2018, 1, 6), null];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private LuceneChargeSearch Engine() => new(new StorageOptions { Directory = _folder, ConnectionString = "" },
        Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName), NullLogger<LuceneChargeSearch>.Instance);

    private static ChargeDocument RandomCharge(Random random, long id) => new(
        id, id * 10, random.Next(3) == 0 ? "AGGRAVATED ASSAULT" : "ASSAULT", null, Pick(random, Categories),
        (ChargeStatus)random.Next(Enum.GetValues<ChargeStatus>().Length), Pick(random, States), Pick(random, Jurisdictions),
        Pick(random, JurisdictionNames), Pick(random, Weeks), Enum.GetValues<DetainerOutcome>()[random.Next(Enum.GetValues<DetainerOutcome>().Length)],
        Enum.GetValues<DetainerType>()[random.Next(Enum.GetValues<DetainerType>().Length)], Pick(random, Citizenships), null, random.Next(2) == 0);

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    /// <summary>Equal as index terms are: the same UTF-8 bytes (a lone surrogate becomes U+FFFD on both sides).</summary>
    private static bool SameBytes(string? value, string wanted) =>
        value is not null && Encoding.UTF8.GetBytes(value).AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(wanted));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One random condition per field (sometimes several values, sometimes none), with what it allows.</summary>
    private static IEnumerable<(string Name, ChargeSearchFilter Filter, Func<ChargeDocument, bool> Allows)> RandomConditions(Random random)
    {
        T[] Some<T>(T[] pool) => [.. pool.OrderBy(_ => random.Next()).Take(random.Next(0, 3))];
        var states = Some(States.Select(s => s?.ToLowerInvariant() ?? "ZZ").ToArray());
        yield return ("states", new ChargeSearchFilter { States = states }, d => states.Any(s => SameBytes(d.State, s.ToUpperInvariant())));
        var citizenships = Some(Citizenships.Select(c => c ?? "Nowhere").ToArray());
        yield return ("citizenships", new ChargeSearchFilter { Citizenships = citizenships }, d => citizenships.Any(c => SameBytes(d.Citizenship, c)));
        var categories = Some(Categories.Select(c => c ?? "None").ToArray());
        yield return ("categories", new ChargeSearchFilter { Categories = categories }, d => categories.Any(c => SameBytes(d.Category, c)));
        var jurisdictions = Some(Jurisdictions.Select(j => j ?? 99).ToArray());
        yield return ("jurisdictions", new ChargeSearchFilter { JurisdictionIds = jurisdictions }, d => d.JurisdictionId is { } j && jurisdictions.Contains(j));
        var weeks = Some(Weeks.Select(w => w ?? new DateOnly(2020, 1, 4)).ToArray());
        yield return ("weeks", new ChargeSearchFilter { WeekStarts = weeks }, d => d.WeekStart is { } w && weeks.Contains(w));
        var (from, to) = (Pick(random, Weeks), Pick(random, Weeks));
        yield return ("week range", new ChargeSearchFilter { WeekFrom = from, WeekTo = to },
            d => (from is null && to is null) || d.WeekStart is { } w && (from is null || string.CompareOrdinal(Day(w), Day(from.Value)) >= 0) && (to is null || string.CompareOrdinal(Day(w), Day(to.Value)) <= 0));
        var outcomes = Some(Enum.GetValues<DetainerOutcome>());
        yield return ("outcomes", new ChargeSearchFilter { Outcomes = outcomes }, d => outcomes.Contains(d.Outcome));
        var types = Some(Enum.GetValues<DetainerType>());
        yield return ("types", new ChargeSearchFilter { DetainerTypes = types }, d => types.Contains(d.DetainerType));
        var statuses = Some(Enum.GetValues<ChargeStatus>());
        yield return ("statuses", new ChargeSearchFilter { Statuses = statuses }, d => statuses.Contains(d.Status));
        var kinds = Some(new[] { SourceKind.File, SourceKind.Synthetic });
        yield return ("source kinds", new ChargeSearchFilter { SourceKinds = kinds }, d => kinds.Contains(d.SourceKind));
    }

    private static async Task AssertFiltersAllowExactly(LuceneChargeSearch engine, IReadOnlyDictionary<long, ChargeDocument> live, int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 25; round++)
        {
            foreach (var (name, filter, allows) in RandomConditions(random))
            {
                foreach (var query in new[] { "", "assault" })
                {
                    var expected = live.Values.Where(allows).Select(d => d.ChargeId).Order().ToList();
                    var result = await engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(query), filter, 0, 1_000, [], Highlight: false), CancellationToken.None);
                    Assert.True(expected.SequenceEqual(result.Hits.Select(h => h.ChargeId).Order()), $"{name} (round {round}, query '{query}'): expected {expected.Count} hits, got {result.TotalCount}");
                    Assert.Equal(expected.Count, result.TotalCount);
                }
            }
        }
    }

    [Fact]
    public async Task A_list_of_a_thousand_long_values_filters_as_the_few_real_values_in_it_do()
    {
        // Such a list was one automaton until 2026-11-30: compiling 1,000 citizenships of 100 letters held a core for
        // seconds. The values now seek their terms one by one; the hits must be those of the real values alone.
        using var engine = Engine();
        var random = new Random(3);
        var documents = Enumerable.Range(1, 300).Select(i => RandomCharge(random, i)).ToList();
        await engine.IndexAsync(documents, default);
        var filler = Enumerable.Range(0, 998).Select(i => new string((char)('a' + i % 26), 60) + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + new string('z', 40));
        string[] real = ["Mexico", "日本"];

        async Task<List<long>> Hits(string[] citizenships) => [.. (await engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse("assault"),
            new ChargeSearchFilter { Citizenships = citizenships }, 0, 1_000, [], Highlight: false), CancellationToken.None)).Hits.Select(h => h.ChargeId).Order()];

        var expected = documents.Where(d => real.Any(c => SameBytes(d.Citizenship, c))).Select(d => d.ChargeId).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await Hits(real));
        Assert.Equal(expected, await Hits([.. filler.Take(500), real[0], .. filler.Skip(500), real[1]]));
    }

    [Fact]
    public async Task Each_filter_allows_exactly_the_charges_whose_value_it_names_across_segments_replacements_and_deletions()
    {
        using var engine = Engine();
        var random = new Random(14);
        var live = new Dictionary<long, ChargeDocument>();
        for (var batch = 0; batch < 4; batch++)
        {
            // Each write commits: one segment per batch, then replacements and deletions across them.
            var documents = Enumerable.Range(batch * 150 + 1, 150).Select(i => RandomCharge(random, i)).ToList();
            await engine.IndexAsync(documents, default);
            documents.ForEach(d => live[d.ChargeId] = d);
        }
        var replaced = live.Keys.Where(id => id % 7 == 0).Select(id => RandomCharge(random, id)).ToList();
        await engine.IndexAsync(replaced, default);
        replaced.ForEach(d => live[d.ChargeId] = d);
        var deleted = live.Keys.Where(id => id % 11 == 0).ToList();
        await engine.DeleteAsync(deleted, default);
        deleted.ForEach(id => live.Remove(id));

        await AssertFiltersAllowExactly(engine, live, seed: 1);
    }

    [Fact]
    public async Task An_index_written_with_terms_and_sort_id_doc_values_filters_and_ranks_its_charges_as_new_ones()
    {
        var random = new Random(8);
        var old = Enumerable.Range(1, 200).Select(i => RandomCharge(random, i)).ToList();
        // The documents as they were written before 2026-11-30 (the fields filters and the tie-break read): every
        // filter field as an indexed term, the facets' doc values (source kind's left out, as if it were younger than
        // these documents), and the charge id as sort_id doc values. Written into the folder the engine opens.
        var root = Path.Combine(_folder, "search");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "current"), "index-initial");
        using (var directory = new Lucene.Net.Store.SimpleFSDirectory(new DirectoryInfo(Path.Combine(root, "index-initial"))))
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))))
        {
            foreach (var d in old)
            {
                var doc = new Document
                {
                    new StringField("id", d.ChargeId.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES),
                    new StoredField("detainer_id", d.DetainerId),
                    new NumericDocValuesField("sort_id", d.ChargeId),
                    new TextField("description", d.Description.ToLowerInvariant(), Field.Store.YES),
                };
                void Keyword(string field, string? value, string? facet, string? facetValue)
                {
                    if (value is not null)
                    {
                        doc.Add(new StringField(field, value, Field.Store.NO));
                    }
                    if (facet is not null && facetValue is not null)
                    {
                        doc.Add(new SortedDocValuesField("f_" + facet, new BytesRef(facetValue)));
                    }
                }
                Keyword("state", d.State, "state", d.State);
                Keyword("jurisdiction", d.JurisdictionId?.ToString(System.Globalization.CultureInfo.InvariantCulture), "jurisdiction",
                    d.JurisdictionId is { } j ? $"{j}\u001f{d.JurisdictionName}, {d.State}" : null);
                Keyword("week", d.WeekStart is { } w ? Day(w) : null, "week", d.WeekStart is { } w2 ? Day(w2) : null);
                Keyword("outcome", d.Outcome.ToString(), "outcome", d.Outcome.ToString());
                Keyword("type", d.DetainerType.ToString(), null, null);
                Keyword("citizenship", d.Citizenship, "citizenship", d.Citizenship);
                Keyword("status", d.Status.ToString(), "status", d.Status.ToString());
                Keyword("category", d.Category, "chargecategory", d.Category);
                Keyword("source_kind", d.SourceKind.ToString(), null, null);
                writer.AddDocument(doc);
            }
            writer.Commit();
        }

        using var engine = Engine();
        var live = old.ToDictionary(d => d.ChargeId);
        // New documents beside the old ones, one old charge replaced and one deleted.
        var fresh = Enumerable.Range(201, 200).Select(i => RandomCharge(random, i)).Append(RandomCharge(random, 5)).ToList();
        await engine.IndexAsync(fresh, default);
        fresh.ForEach(d => live[d.ChargeId] = d);
        await engine.DeleteAsync([7], default);
        live.Remove(7);

        await AssertFiltersAllowExactly(engine, live, seed: 2);

        // Every hit of a match-all search ties on score: the page is in charge id order across old and new segments,
        // and a page after a key starts right after it.
        var all = await engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(""), new ChargeSearchFilter(), 0, 1_000, [], Highlight: false), default);
        Assert.Equal(live.Keys.Order(), all.Hits.Select(h => h.ChargeId));
        var after = await engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(""), new ChargeSearchFilter(), 0, 5, [], Highlight: false,
            After: new SearchAfterKey(all.Hits[99].Score, all.Hits[99].ChargeId)), default);
        Assert.Equal(all.Hits.Skip(100).Take(5).Select(h => h.ChargeId), after.Hits.Select(h => h.ChargeId));
    }
}
