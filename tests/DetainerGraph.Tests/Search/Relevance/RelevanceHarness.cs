using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Search.Relevance;

/// <summary>Recall@100 and P@10 of one query over an indexed corpus of distinct charge texts.</summary>
public sealed record RelevanceMeasure(double Recall, double Precision);

/// <summary>
/// Indexes a corpus of distinct charge texts on Lucene, with the charge reader (after) or without it (before, as
/// main was before issue 15), and measures labelled queries on it: what the dev-set tests share.
/// </summary>
public sealed class RelevanceHarness : IDisposable
{
    private readonly string _folder;
    private readonly IReadOnlyList<string> _texts;

    private RelevanceHarness(LuceneChargeSearch search, string folder, IReadOnlyList<string> texts)
    {
        Search = search;
        _folder = folder;
        _texts = texts;
    }

    public LuceneChargeSearch Search { get; }

    /// <summary>
    /// Indexes each text once in the given state; its category is what the import gives a text with no code (before:
    /// NCIC literal matches only; after: the charge reader's category rules too).
    /// </summary>
    public static async Task<RelevanceHarness> IndexAsync(IReadOnlyList<string> texts, string state, bool expand)
    {
        var dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
        var reference = new ReferenceData(dataDirectory);
        var folder = Path.Combine(Path.GetTempPath(), "relevance-" + Guid.NewGuid().ToString("N"));
        var engine = new LuceneChargeSearch(new StorageOptions { Directory = folder, ConnectionString = "" },
            Path.Combine(dataDirectory, ChargeAnalysis.SynonymFileName), NullLogger<LuceneChargeSearch>.Instance, expandCharges: expand);
        var documents = texts.Select((text, i) =>
        {
            var offense = reference.MatchOffense(text);
            var category = expand ? reference.ClassifyCharge(text, offense) : offense?.Category;
            return new ChargeDocument(i + 1, i + 1, text, offense?.Code, category, ChargeStatus.Charge, state, null, null, null,
                DetainerOutcome.Open, DetainerType.Unknown, null, null);
        }).ToList();
        await engine.IndexAsync(documents, default);
        return new RelevanceHarness(engine, folder, texts);
    }

    /// <summary>The texts of the first <paramref name="limit"/> hits of <paramref name="query"/>, best first.</summary>
    public async Task<List<string>> TopAsync(string query, int limit = 100)
    {
        var result = await Search.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(query), new ChargeSearchFilter(), 0, limit, [], Highlight: false), default);
        return [.. result.Hits.Select(h => _texts[(int)h.ChargeId - 1])];
    }

    /// <summary>Recall@100 and P@10 (over min(10, relevant)) of each labelled query.</summary>
    public async Task<Dictionary<string, RelevanceMeasure>> MeasureAsync(Dictionary<string, HashSet<string>> labels)
    {
        var result = new Dictionary<string, RelevanceMeasure>();
        foreach (var (query, relevant) in labels)
        {
            var top = await TopAsync(query);
            result[query] = new RelevanceMeasure((double)top.Count(relevant.Contains) / relevant.Count,
                (double)top.Take(10).Count(relevant.Contains) / Math.Min(10, relevant.Count));
        }
        return result;
    }

    /// <summary>The per-query before/after table, as the dev-set tests print it (and the closing note quotes it).</summary>
    public static IEnumerable<string> Table(Dictionary<string, HashSet<string>> labels, Dictionary<string, RelevanceMeasure> before, Dictionary<string, RelevanceMeasure> after)
    {
        yield return "| query | relevant | recall@100 before | after | P@10 before | after |";
        yield return "|---|---|---|---|---|---|";
        foreach (var query in labels.Keys)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"| {query} | {labels[query].Count} | {before[query].Recall:F2} | {after[query].Recall:F2} | {before[query].Precision:F2} | {after[query].Precision:F2} |");
        }
        yield return string.Create(CultureInfo.InvariantCulture,
            $"| mean | | {before.Values.Average(m => m.Recall):F2} | {after.Values.Average(m => m.Recall):F2} | {before.Values.Average(m => m.Precision):F2} | {after.Values.Average(m => m.Precision):F2} |");
    }

    public void Dispose()
    {
        Search.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
