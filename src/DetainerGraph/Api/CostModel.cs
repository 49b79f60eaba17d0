using DetainerGraph.Api.Filtering;
using DetainerGraph.Search;
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
/// list value, and a collection condition (<c>charges: { some }</c>, <c>any</c>) 300 with its inner conditions counted twice.
/// Those prices were set on the sample data; a filter holding a condition no index serves (a substring or case-insensitive
/// match, a collection condition) is read row by row, so on a larger store its own cost is multiplied by
/// <see cref="ScanScale"/>, the store's detainers per <see cref="ScanRows"/>, and the operation is a scan
/// (<see cref="RequestCost.Scans"/>, admitted by <see cref="ScanGate"/>). So is a root detainer list sorted by a key no index
/// serves.</item>
/// <item><c>nodes(ids:)</c> multiplies its selection by the number of IDs it is given: each position resolves its
/// selection, a repeated ID included (the fetch itself reads each distinct ID once).</item>
/// <item>Search facets: <c>facets</c> <see cref="FacetField"/> per field asked for, its selection once per field (not
/// per hit of the page: GraphQL.NET's default took the connection's <c>first</c>, so <c>first: 0</c> made every facet
/// and all under it free), and a facet's <c>buckets</c> as many times as the field can have values
/// (<see cref="FacetBuckets"/>), since a bucket's jurisdiction and what is asked of it (its detainers, its stats) run per
/// bucket; a bucket's own values (<c>value</c>, <c>count</c>...) are in memory and cost nothing.</item>
/// <item>A field given a page size it refuses (<c>first</c> or <c>last</c> past its maximum, or negative), or a search query it
/// refuses (<see cref="ChargeQuery.Refuses"/>), is priced without
/// its selection: it fails with <c>PAGE_SIZE_OUT_OF_RANGE</c> (or the search's own code) before it reads anything, and that, not <c>COMPLEXITY</c>, is
/// the answer the client needs (<see cref="Paging.WithPageSizeLimit"/>).</item>
/// </list>
/// On the sample data 50,000 units are roughly one to two seconds of database work on one core. The rate limiter charges
/// <c>ceil(cost / RateLimiting:CostPerToken)</c> tokens (see <see cref="HttpProtection"/>).
/// </summary>
public static class CostModel
{
    public const double RootScan = 300;

    /// <summary>
    /// The store size the filter prices hold for: about the sample data (45,290 detainers). At 1,000,000 generated
    /// detainers one count of <c>charges: { some: { description: { contains } } }</c> held a core 3.8 s priced 1,827, and
    /// an <c>or</c> of ten such conditions 13.5 s priced 14,627 (README "Limits").
    /// </summary>
    public const double ScanRows = 50_000;

    /// <summary>How much more a filter that reads every row costs on a store of <paramref name="detainers"/>: 1 up to <see cref="ScanRows"/>, then in proportion.</summary>
    public static double ScanScale(long detainers) => Math.Max(1, detainers / ScanRows);
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
        DetainerGraph.Detainers.DetainerStatsDimension.PlaceOfBirth,
        DetainerGraph.Detainers.DetainerStatsDimension.IssuedOnOrAfterYear,
    };
    /// <summary>Per <c>groupBy</c> dimension of a parent's stats (<c>Jurisdiction.stats</c>, <c>Facility.stats</c>): one parent's detainers, reached by index, priced per parent on the page.</summary>
    public const double NestedStatsDimension = 300;
    public const double SearchWord = 100;
    public const double SearchLetter = 15;
    /// <summary>Per facet field of <c>facets(fields:)</c>: the engine counts every hit by it (about 3 ms over the sample's 5,000 hits of <c>a*</c>).</summary>
    public const double FacetField = 100;
    /// <summary>
    /// The buckets a facet of a field with open-ended values (jurisdiction, week, citizenship) is priced as: the sample
    /// data's <c>a*</c> has 266 jurisdiction buckets, a national store thousands, each resolving the selection under it.
    /// </summary>
    public const double ManyFacetBuckets = 500;

    /// <summary>How many buckets a facet of <paramref name="field"/> can have, its null bucket included.</summary>
    public static double FacetBuckets(SearchFacet field) => field switch
    {
        SearchFacet.Outcome => Enum.GetValues<DetainerGraph.Data.DetainerOutcome>().Length + 1,
        SearchFacet.Status => Enum.GetValues<DetainerGraph.Data.ChargeStatus>().Length + 1,
        SearchFacet.SourceKind => Enum.GetValues<DetainerGraph.Data.SourceKind>().Length + 1,
        // States, the District and territories; NCIC's blocks.
        SearchFacet.State or SearchFacet.ChargeCategory => 100,
        _ => ManyFacetBuckets,
    };

    /// <summary>The analyzer's weights with the root-field impact of <see cref="DocumentLimits"/> and the work-based prices above.</summary>
    public static Func<FieldImpactContext, FieldComplexityResult> Weigh(Func<FieldImpactContext, FieldComplexityResult> weigh, PagingOptions paging, StoreSize size)
    {
        var withRoots = DocumentLimits.WithRootFieldImpact(weigh);
        return context =>
        {
            var result = withRoots(context);
            if (context.ParentType is IObjectGraphType { Name: "ChargeSearchFacet" } && context.FieldAst.Name.StringValue == "buckets")
            {
                return WeighBuckets(context, result);
            }
            // A bucket's own values are in memory: only its jurisdiction (loaded, with whatever is asked of it) costs per bucket.
            if (context.ParentType is IObjectGraphType { Name: "ChargeSearchFacetBucket" } && context.FieldAst.Name.StringValue != "jurisdiction")
            {
                return new FieldComplexityResult(0, result.ChildImpactMultiplier);
            }
            if (context.Arguments is not { Count: > 0 } arguments)
            {
                return result;
            }
            var root = context.ParentType is IObjectGraphType { Name: "Query" or "Mutation" };
            var impact = result.FieldImpact;
            var multiplier = result.ChildImpactMultiplier;
            if (arguments.TryGetValue("where", out var where) && where.Value is IDictionary<string, object?> { Count: > 0 } filter)
            {
                var measure = FilterLimits.Measure(filter);
                // Only a detainer filter reads the detainers (a jurisdiction's or facility's reads a table of a few thousand
                // rows); the search engine's becomes indexed look-ups of jurisdictions and weeks.
                var scans = measure.Scans && context.FieldAst.Name.StringValue != "searchCharges" && FiltersDetainers(context);
                impact += FilterStatements * ((root ? RootScan : NestedScan) + measure.Cost * (scans ? ScanScale(size.Detainers) : 1));
                if (scans)
                {
                    MarkScan(context);
                }
            }
            // A root detainer list sorted by a key no index serves sorts every row the filter lets through: on a larger store,
            // priced like a substring match of the page's statement, and a scan (ORDER BY jurisdiction name over 1,000,000
            // detainers: 0.3 s of one core, priced 28 before).
            if (root && arguments.TryGetValue("order", out var order) && order.Value is System.Collections.IEnumerable keys
                && FiltersDetainers(context) && SortsUnindexed(keys))
            {
                impact += FilterCost.Substring * (ScanScale(size.Detainers) - 1);
                MarkScan(context);
            }
            switch (root ? context.FieldAst.Name.StringValue : null)
            {
                // A query the field refuses (too long, too many words) fails it before it searches: priced like a refused page
                // size, by nothing it would have done. Priced by its words and letters, 3,000 characters of words were refused
                // as COMPLEXITY instead of SEARCH_QUERY_TOO_LONG, and six aliases of a 33-word query instead of SEARCH_QUERY_TOO_COMPLEX.
                case "searchCharges" when arguments.TryGetValue("query", out var query) && query.Value is string text && ChargeQuery.Refuses(text):
                    multiplier = 0;
                    break;
                case "searchCharges" when arguments.TryGetValue("query", out var query) && query.Value is string text:
                    impact += SearchCost(text);
                    break;
                case "nodes" when arguments.TryGetValue("ids", out var ids) && ids.Value is System.Collections.ICollection list:
                    multiplier = Math.Max(1, list.Count);
                    break;
                default:
                    break;
            }
            if (context.ParentType is IObjectGraphType { Name: "ChargeSearchConnection" } && context.FieldAst.Name.StringValue == "facets")
            {
                var fields = FacetFields(arguments);
                impact += FacetField * fields.Count;
                multiplier = Math.Max(1, fields.Count);
            }
            // Every grouped count (detainerStats, detainerGroups, a jurisdiction's or facility's stats) by its dimensions.
            if (arguments.TryGetValue("groupBy", out var groupBy) && groupBy.Value is System.Collections.ICollection dimensions)
            {
                impact += (root ? StatsDimension : NestedStatsDimension) * dimensions.Count;
                if (root && dimensions.Cast<object?>().Any(d => d is DetainerGraph.Detainers.DetainerStatsDimension dimension && TableDimensions.Contains(dimension)))
                {
                    impact += TableStats;
                    MarkScan(context);
                }
            }
            // A page size the field refuses (past its maximum, or negative) fails the field before it reads anything: nothing
            // under it runs, so nothing under it is priced. Priced by the page size asked for, `first: 2147483647` was refused
            // as COMPLEXITY instead of PAGE_SIZE_OUT_OF_RANGE, and a negative `first` made its selection's cost negative.
            if (Paging.RefusesPageSize(context.FieldDefinition, arguments, paging))
            {
                multiplier = 0;
            }
            return new FieldComplexityResult(impact, multiplier);
        };
    }

    /// <summary>
    /// The detainer sort keys an index serves (<c>IX_Detainers_IssuedOn</c>, the <c>IssuedOnOrAfter</c> indexes, the outcome and week indexes); any other key (a
    /// citizenship, a jurisdiction's or facility's name) sorts every row the filter lets through.
    /// </summary>
    private static readonly IReadOnlySet<string> IndexedSortKeys = new HashSet<string>(StringComparer.Ordinal) { "issuedOn", "issuedOnOrAfter", "outcome", "week.start" };

    private static bool SortsUnindexed(System.Collections.IEnumerable order) =>
        order.OfType<IDictionary<string, object?>>().SelectMany(item => SortPaths("", item)).Any(path => !IndexedSortKeys.Contains(path));

    private static IEnumerable<string> SortPaths(string prefix, IDictionary<string, object?> item) =>
        item.SelectMany(key => key.Value is IDictionary<string, object?> inner ? SortPaths(prefix + key.Key + ".", inner) : [prefix + key.Key]);

    private static bool FiltersDetainers(FieldImpactContext context) =>
        context.FieldDefinition.Arguments?.Find("where")?.ResolvedType is { } type
        && (type is NonNullGraphType { ResolvedType: { } inner } ? inner : type).Name == "DetainerFilterInput";

    /// <summary>Marks the operation as one that reads a table row by row, for <see cref="ScanGate"/>.</summary>
    private static void MarkScan(FieldImpactContext context)
    {
        if (context.ValidationContext.UserContext.TryGetValue(RequestCost.Key, out var state) && state is RequestCost cost)
        {
            cost.Scans = true;
        }
    }

    /// <summary>A facet's <c>buckets</c> (whose only argument is its parent's): as many as the facet fields' values can be.</summary>
    private static FieldComplexityResult WeighBuckets(FieldImpactContext context, FieldComplexityResult result) =>
        context.Parent?.Arguments is { } facetArguments && FacetFields(facetArguments) is { Count: > 0 } fields
            ? new FieldComplexityResult(result.FieldImpact, fields.Max(FacetBuckets))
            : new FieldComplexityResult(result.FieldImpact, ManyFacetBuckets);

    /// <summary>The distinct facet fields of a <c>facets(fields:)</c> argument list.</summary>
    private static IReadOnlyList<SearchFacet> FacetFields(IDictionary<string, GraphQL.Execution.ArgumentValue> arguments) =>
        arguments.TryGetValue("fields", out var fields) && fields.Value is System.Collections.IEnumerable values
            ? [.. values.OfType<SearchFacet>().Distinct()]
            : [];

    /// <summary>Per word: a base price and a price per letter (capped at 64), since fuzzy matching grows with the word.</summary>
    public static double SearchCost(string query) =>
        query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Sum(word => SearchWord + SearchLetter * Math.Min(word.Length, 64));
}
