using DetainerGraph.Api.Filtering;
using GraphQL.Types;
using GraphQL.Validation.Complexity;

namespace DetainerGraph.Api;

/// <summary>
/// What a request is charged, in the complexity analyzer's units (the limit is <c>GraphQL:MaxComplexity</c>,
/// 50,000), so that the price follows the work the database and the search engine do, not only the shape:
/// <list type="bullet">
/// <item>GraphQL.NET's weights: 1 a field, times the page sizes of the lists above it.</item>
/// <item>A root field: 25 (each runs SQL); <c>detainerStats</c> 100; every grouped count (<c>detainerStats</c>,
/// <c>detainerGroups</c>) <see cref="StatsDimension"/> per <c>groupBy</c> dimension, a parent's <c>stats</c>
/// <see cref="NestedStatsDimension"/> per dimension and parent, and a root one grouped by a dimension no rollup holds
/// <see cref="TableStats"/> more; <c>searchCharges</c> 250 plus, per word of the query, <see cref="SearchWord"/> and
/// <see cref="SearchLetter"/> per letter (typo automata grow with a word's length).</item>
/// <item>A <c>where</c> on any field (lists, nested connections, stats, search): its statements (<see cref="FilterStatements"/>:
/// the page and its count, or the search's jurisdiction and week lookups), each priced <see cref="RootScan"/>
/// (<see cref="NestedScan"/> under a parent, which the database reaches by index) plus the filter's own
/// <see cref="FilterLimits.Measure"/>: 20 a comparison, 150 a substring match, 200 a case-insensitive one, 1 a
/// list value, and a collection condition (<c>charges: { some }</c>) 300 with its inner conditions counted twice.</item>
/// <item><c>nodes(ids:)</c> multiplies its selection by the number of IDs it is given: each position resolves its
/// selection, a repeated ID included (the fetch itself reads each distinct ID once).</item>
/// </list>
/// On the sample data 50,000 units are roughly one to two seconds of database work on one core. The rate limiter charges
/// <c>ceil(cost / RateLimiting:CostPerToken)</c> tokens (see <see cref="HttpProtection"/>).
/// </summary>
public static class CostModel
{
    public const double RootScan = 300;
    public const double NestedScan = 50;
    public const int FilterStatements = 2;
    /// <summary>Per <c>groupBy</c> dimension: a three-dimension grouped count of the sample data is about a third of a second of SQL (hostile load budget, BENCHMARKS.md).</summary>
    public const double StatsDimension = 2_000;
    /// <summary>
    /// Once per root grouped count that groups by a dimension the count rollups do not hold (<see cref="TableDimensions"/>):
    /// it reads every matching detainer (with its charges for CHARGE_CATEGORY) instead of the rollup's rows. At 100,000
    /// generated detainers one such count of three dimensions is about half a second of SQL against a few milliseconds from
    /// the rollups (BENCHMARKS.md), so two fit the limit and three do not.
    /// </summary>
    public const double TableStats = 12_000;
    /// <summary>The <c>groupBy</c> dimensions no count rollup holds: grouping by one reads the detainer table (<c>DetainerStats.Groups</c>).</summary>
    public static readonly IReadOnlySet<DetainerGraph.Detainers.DetainerStatsDimension> TableDimensions = new HashSet<DetainerGraph.Detainers.DetainerStatsDimension>
    {
        DetainerGraph.Detainers.DetainerStatsDimension.ChargeCategory,
        DetainerGraph.Detainers.DetainerStatsDimension.JurisdictionResolution,
    };
    /// <summary>Per <c>groupBy</c> dimension of a parent's stats (<c>Jurisdiction.stats</c>, <c>Facility.stats</c>): one parent's detainers, reached by index, priced per parent on the page.</summary>
    public const double NestedStatsDimension = 300;
    public const double SearchWord = 100;
    public const double SearchLetter = 15;

    /// <summary>The analyzer's weights with the root-field impact of <see cref="DocumentLimits"/> and the work-based prices above.</summary>
    public static Func<FieldImpactContext, FieldComplexityResult> Weigh(Func<FieldImpactContext, FieldComplexityResult> weigh)
    {
        var withRoots = DocumentLimits.WithRootFieldImpact(weigh);
        return context =>
        {
            var result = withRoots(context);
            if (context.Arguments is not { Count: > 0 } arguments)
            {
                return result;
            }
            var root = context.ParentType is IObjectGraphType { Name: "Query" or "Mutation" };
            var impact = result.FieldImpact;
            var multiplier = result.ChildImpactMultiplier;
            if (arguments.TryGetValue("where", out var where) && where.Value is IDictionary<string, object?> { Count: > 0 } filter)
            {
                impact += FilterStatements * ((root ? RootScan : NestedScan) + FilterLimits.Measure(filter).Cost);
            }
            switch (root ? context.FieldAst.Name.StringValue : null)
            {
                case "searchCharges" when arguments.TryGetValue("query", out var query) && query.Value is string text:
                    impact += SearchCost(text);
                    break;
                case "nodes" when arguments.TryGetValue("ids", out var ids) && ids.Value is System.Collections.ICollection list:
                    multiplier = Math.Max(1, list.Count);
                    break;
                default:
                    break;
            }
            // Every grouped count (detainerStats, detainerGroups, a jurisdiction's or facility's stats) by its dimensions.
            if (arguments.TryGetValue("groupBy", out var groupBy) && groupBy.Value is System.Collections.ICollection dimensions)
            {
                impact += (root ? StatsDimension : NestedStatsDimension) * dimensions.Count;
                if (root && dimensions.Cast<object?>().Any(d => d is DetainerGraph.Detainers.DetainerStatsDimension dimension && TableDimensions.Contains(dimension)))
                {
                    impact += TableStats;
                }
            }
            return new FieldComplexityResult(impact, multiplier);
        };
    }

    /// <summary>Per word: a base price and a price per letter (capped at 64), since fuzzy matching grows with the word.</summary>
    public static double SearchCost(string query) =>
        query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Sum(word => SearchWord + SearchLetter * Math.Min(word.Length, 64));
}
