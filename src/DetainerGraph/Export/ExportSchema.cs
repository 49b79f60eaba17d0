using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Charges;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Jurisdictions;
using GraphQL;
using GraphQL.Types;

namespace DetainerGraph.Export;

/// <summary>
/// A private schema whose only job is to read an export's <c>where</c>, <c>order</c> and <c>groupBy</c> exactly as the
/// API reads them: the URL's JSON becomes GraphQL variables, GraphQL.NET coerces them against the API's own input
/// types (so a misspelt field or enum is the same coded validation error), and the resolvers apply the API's own
/// filter and sort code. Each root field hands back the ordered query for the endpoint to stream; it is never
/// published and never served over <c>/graphql</c>.
/// </summary>
public sealed class ExportSchema : Schema
{
    public ExportSchema(IServiceProvider services) : base(services)
    {
        Query = new ExportQueryType();
        RegisterTypeMapping(typeof(DateOnly), typeof(IsoDateGraphType));
        RegisterTypeMapping(typeof(DetainerOutcome), typeof(DetainerOutcomeGraphType));
        RegisterTypeMapping(typeof(DetainerType), typeof(DetainerTypeGraphType));
        RegisterTypeMapping(typeof(ChargeStatus), typeof(ChargeStatusGraphType));
        RegisterTypeMapping(typeof(JurisdictionKind), typeof(JurisdictionKindGraphType));
        RegisterTypeMapping(typeof(SourceKind), typeof(SourceKindGraphType));
        RegisterTypeMapping(typeof(JurisdictionResolution), typeof(JurisdictionResolutionGraphType));
    }

    /// <summary>The document each export runs; variables carry the URL's arguments.</summary>
    public static string Document(ExportKind kind) => kind switch
    {
        ExportKind.Detainers => "query($where: DetainerFilterInput, $order: [DetainerSortInput!], $includeRetracted: Boolean, $includeSynthetic: Boolean) { detainers(where: $where, order: $order, includeRetracted: $includeRetracted, includeSynthetic: $includeSynthetic) }",
        ExportKind.DetainerStats => "query($where: DetainerFilterInput, $groupBy: [DetainerStatsDimension!]!, $order: DetainerStatsOrder, $includeRetracted: Boolean, $includeSynthetic: Boolean) { detainerStats(where: $where, groupBy: $groupBy, order: $order, includeRetracted: $includeRetracted, includeSynthetic: $includeSynthetic) }",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

public enum ExportKind
{
    Detainers,
    DetainerStats,
}

/// <summary>Where an export's resolver leaves the query it built (one per request, in <c>UserContext</c>).</summary>
public sealed class ExportQueryHolder : Dictionary<string, object?>
{
    public IQueryable<Detainer>? Detainers { get; set; }
    public IQueryable<DetainerStatsGroup>? Groups { get; set; }
    public IReadOnlyList<DetainerStatsDimension> Dimensions { get; set; } = [];
}

public sealed class ExportQueryType : ObjectGraphType
{
    public ExportQueryType()
    {
        Name = "ExportQuery";
        Description = "Builds the query an export streams.";
        Field<BooleanGraphType>("detainers")
            .Description("Every detainer that matches, in the order asked for (by default as imported); published records only unless `includeSynthetic` is true.")
            .WithFilterAndSort<object?, object, DetainerFilterInputGraphType, DetainerSortInputGraphType>()
            .WithIncludeRetracted("detainers")
            .WithIncludeSynthetic("detainers")
            .Resolve(c =>
            {
                Holder(c).Detainers = c.Db().Detainers.ExceptRetractedUnlessAsked(c).SplitSynthetic(c.ExcludesSynthetic()).Shown
                    .Filtered<Detainer, DetainerFilterInputGraphType>(c)
                    .Sorted<Detainer, DetainerSortInputGraphType, long>(c, d => d.Id);
                return true;
            });
        Field<BooleanGraphType>("detainerStats")
            .Description("Every group, with its outcome counts; published records only unless `includeSynthetic` is true.")
            .WithStatsArguments()
            .Resolve(c =>
            {
                var holder = Holder(c);
                holder.Dimensions = c.GetArgument<List<DetainerStatsDimension>>("groupBy").Distinct().ToList();
                holder.Groups = DetainerStats.Groups(c.Db(), c.Db().Detainers.ExceptRetractedUnlessAsked(c).SplitSynthetic(c.ExcludesSynthetic()).Shown.Filtered<Detainer, DetainerFilterInputGraphType>(c),
                    holder.Dimensions, c.GetArgument("order", DetainerStatsOrder.CountDesc), withOutcomes: true);
                return true;
            });
    }

    private static ExportQueryHolder Holder(IResolveFieldContext c) => (ExportQueryHolder)c.UserContext;
}
