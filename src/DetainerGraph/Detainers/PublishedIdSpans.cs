using System.Linq.Expressions;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

/// <summary>
/// The lowest and highest detainer id of each published source, read with the in-memory counts (<see cref="ResidentSnapshot"/>)
/// on a store that also holds synthetic records, so that a published-only page whose rows are few among many synthetic ones
/// reads only the ids they lie between.
/// <para><b>Why.</b> No list index holds <c>IsSynthetic</c>: a published-only page walks its order's index and reads each row
/// from the table to leave the synthetic ones out. Where the published rows sort after the synthetic ones (at a million
/// generated records with 42,290 published, their dates in 2015 and the generated ones' in 2017), the first page by
/// issuedOn DESC read the whole million, 2.7-3.7 s. A source's rows are imported together, so its ids are one run; the rows of
/// the few published sources a list can hold lie in a few runs of the table, which SQLite reads by rowid, in order, and sorts
/// (at most <see cref="MaxSpan"/> rows: the 42,290 in about 35 ms of SQLite, first page or deep, any order). No index is
/// added: every real store would build it, and imports are slow enough.</para>
/// <para><b>Exact.</b> The runs are read in the snapshot's own read transaction, so they hold every row of those sources while the
/// snapshot is used (until the next commit). The condition only narrows what the list's own conditions keep: the page, its
/// order and its cursors are the same.</para>
/// <para>Not loaded on a store without synthetic records (every real store): nothing is left out of its lists.</para>
/// </summary>
public sealed class PublishedIdSpans
{
    /// <summary>
    /// The most ids a narrowed read spans: about 0.8 µs of SQLite a row read and sorted, so a page stays near 40 ms at most.
    /// A list whose published sources span more is read as before.
    /// </summary>
    public const long MaxSpan = 50_000;

    /// <summary>
    /// The fewest synthetic rows a list must leave out to be narrowed: walking an order's index past fewer costs a few
    /// milliseconds at most, and narrowed, SQLite may read and sort the span instead.
    /// </summary>
    public const long MinExcluded = 1_000;

    /// <summary>The most runs a narrowed read names (each a rowid range of its own).</summary>
    private const int MaxRuns = 4;

    private readonly Dictionary<int, (long Min, long Max)> _bySource;

    private PublishedIdSpans(Dictionary<int, (long Min, long Max)> bySource) => _bySource = bySource;

    /// <summary>
    /// The runs of the published sources the rollup names, read in the caller's transaction; null when the rollup holds no
    /// synthetic record (nothing is ever left out) or no published one.
    /// </summary>
    public static async Task<PublishedIdSpans?> LoadAsync(DetainerDbContext db, RollupColumns rows, CancellationToken ct)
    {
        var published = new HashSet<int>();
        var synthetic = false;
        var isSynthetic = (bool[])rows.Of(nameof(DetainerCount.IsSynthetic))!;
        var sourceOf = (int[])rows.Of(nameof(DetainerCount.SourceId))!;
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows.Count[i] == 0)
            {
                continue;
            }
            if (isSynthetic[i])
            {
                synthetic = true;
            }
            else
            {
                published.Add(sourceOf[i]);
            }
        }
        if (!synthetic || published.Count == 0)
        {
            return null;
        }
        // One pass over the published sources' entries of IX_Detainers_SourceId_SourceLine, which holds the id.
        var ids = published.ToList();
        var runs = await db.Detainers.Where(d => ids.Contains(d.SourceId)).GroupBy(d => d.SourceId)
            .Select(g => new { g.Key, Min = g.Min(d => d.Id), Max = g.Max(d => d.Id) })
            .ToDictionaryAsync(r => r.Key, r => (r.Min, r.Max), ct);
        return new PublishedIdSpans(runs);
    }

    /// <summary>
    /// The condition <c>Id BETWEEN min AND max</c> (one per run, runs that touch merged) over the runs of
    /// <paramref name="sources"/>, the published sources whose rows may match a list: when they span at most
    /// <see cref="MaxSpan"/> ids in at most <see cref="MaxRuns"/> runs, and the list leaves out at least <see cref="MinExcluded"/>
    /// synthetic rows (<paramref name="excluded"/>, those that may match, counted up to that). SQLite then reads the span by
    /// rowid, or, when the list's own conditions have an index, that index's entries within the span (every entry holds the
    /// rowid: declined detainers by issuedOn DESC read their index's entries of the span instead of 7,082 synthetic rows).
    /// Null otherwise, and when a source's run is unknown.
    /// </summary>
    public Expression<Func<Detainer, bool>>? Narrowing(IReadOnlyCollection<int> sources, long excluded)
    {
        if (sources.Count == 0)
        {
            return null;
        }
        var runs = new List<(long Min, long Max)>(sources.Count);
        foreach (var source in sources)
        {
            if (!_bySource.TryGetValue(source, out var run))
            {
                return null;
            }
            runs.Add(run);
        }
        runs.Sort();
        var merged = new List<(long Min, long Max)>(runs.Count);
        foreach (var run in runs)
        {
            if (merged.Count > 0 && run.Min <= merged[^1].Max + 1)
            {
                merged[^1] = (merged[^1].Min, Math.Max(merged[^1].Max, run.Max));
            }
            else
            {
                merged.Add(run);
            }
        }
        var span = merged.Sum(r => r.Max - r.Min + 1);
        if (merged.Count > MaxRuns || span > MaxSpan || excluded < MinExcluded)
        {
            return null;
        }
        var d = Expression.Parameter(typeof(Detainer), "d");
        var id = Expression.Property(d, nameof(Detainer.Id));
        var within = merged.Select(r => (Expression)Expression.AndAlso(
            Expression.GreaterThanOrEqual(id, Expressions.Parameter(r.Min, typeof(long))),
            Expression.LessThanOrEqual(id, Expressions.Parameter(r.Max, typeof(long)))));
        return Expression.Lambda<Func<Detainer, bool>>(Expressions.OrAll(within), d);
    }
}
