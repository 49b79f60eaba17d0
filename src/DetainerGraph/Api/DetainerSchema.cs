using DetainerGraph.Charges;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Facilities;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Weeks;
using GraphQL.Types;

namespace DetainerGraph.Api;

public sealed class DetainerSchema : Schema
{
    public DetainerSchema(IServiceProvider services, QueryType query, MutationType mutation) : base(services)
    {
        Query = query;
        Mutation = mutation;
        Description = "DetainerGraph: ICE detainers, their outcomes, and the weekly Declined Detainer Outcome Report.";
        RegisterTypeMapping(typeof(DateOnly), typeof(IsoDateGraphType));
        RegisterTypeMapping(typeof(DetainerOutcome), typeof(DetainerOutcomeGraphType));
        RegisterTypeMapping(typeof(DetainerType), typeof(DetainerTypeGraphType));
        RegisterTypeMapping(typeof(ChargeStatus), typeof(ChargeStatusGraphType));
        RegisterTypeMapping(typeof(JurisdictionKind), typeof(JurisdictionKindGraphType));
        RegisterTypeMapping(typeof(SourceKind), typeof(SourceKindGraphType));
    }
}

/// <summary>The root query. Each feature adds its own fields.</summary>
public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        Description = "Reads over jurisdictions, reporting weeks and detainers.";
        this.AddNodeQueries();
        this.AddJurisdictionQueries();
        this.AddFacilityQueries();
        this.AddWeekQueries();
        this.AddDetainerQueries();
        this.AddDetainerStatsQuery();
        this.AddWeeklyReportQuery();
        this.AddChargeSearchQueries();
    }
}
