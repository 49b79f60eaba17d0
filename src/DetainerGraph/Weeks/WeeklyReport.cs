using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Jurisdictions;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Weeks;

/// <summary>The Declined Detainer Outcome Report for one week, rebuilt from the data.</summary>
/// <param name="IncludeSynthetic">Whether Section II and the totals count synthetic (generated demo) detainers too.</param>
public sealed record WeeklyReport(Week Week, bool IncludeSynthetic = false);

public sealed record WeeklyReportTotals(int DetainersRecorded, int Declined, int DecliningJurisdictions, int? DetainersIssuedNationwide, int? SyntheticExcluded);

public static class WeeklyReportQueries
{
    public static void AddWeeklyReportQuery(this ObjectGraphType query)
    {
        query.Field<WeeklyReportGraphType>("weeklyReport")
            .Description("The Declined Detainer Outcome Report for a week, rebuilt from the data: Section I as published with its corrections, Section II's declined detainers, Section III's policies in force, and totals. Null, with a coded error, when `start` is not a Saturday; the rest of the response stands.")
            .Argument<NonNullGraphType<IsoDateGraphType>>("start", "The week's Saturday, YYYY-MM-DD.")
            .WithIncludeSynthetic("Section II's detainers and the totals' counts")
            .Resolve(c =>
            {
                return new WeeklyReport(Week.Starting(c.GetWeekStartArgument("start")), c.GetArgument(SyntheticRecords.IncludeSynthetic, false));
            });
    }
}
