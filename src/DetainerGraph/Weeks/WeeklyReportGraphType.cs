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

public sealed class WeeklyReportGraphType : ObjectGraphType<WeeklyReport>
{
    public WeeklyReportGraphType()
    {
        Name = "WeeklyReport";
        Description = "One week of the Declined Detainer Outcome Report, rebuilt from the data.";
        Field<NonNullGraphType<WeekGraphType>>("week").Description("The reporting week.").Resolve(c => c.Source.Week);
        Field<ReportGraphType>("report")
            .Description("The report ICE published for the week, if it did.")
            .ResolveAsync(async c => await c.Db().Reports.FirstOrDefaultAsync(r => r.WeekStart == c.Source.Week.Start, c.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SectionOneEntryGraphType>>>>("sectionOne")
            .Description("Section I: the jurisdictions with the most detainers issued that week among those that do not cooperate, by rank, each with the corrections made to it since (`published` keeps the values as published).")
            .WithIncludeRetracted("entries")
            .ResolveAsync(async c => await c.Db().SectionOneEntries.ExceptRetractedUnlessAsked(c).Where(e => e.WeekStart == c.Source.Week.Start)
                .OrderBy(e => e.Rank).ThenBy(e => e.Id).ToListAsync(c.CancellationToken));
        this.DetainerListField("sectionTwo",
            "Section II: the detainers declined by the local agency whose decline was recorded in the week. Published records only unless `weeklyReport(includeSynthetic: true)`.",
            c => d => d.WeekStart == c.Source.Week.Start && d.Outcome == DetainerOutcome.DeclinedByLea,
            q => q.OrderBy(d => d.Jurisdiction!.State).ThenBy(d => d.Jurisdiction!.Name).ThenBy(d => d.Id),
            excludesSynthetic: c => !c.Source.IncludeSynthetic && c.ExcludesSynthetic());
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyGraphType>>>>("sectionThree")
            .Description("Section III: published policies limiting cooperation that were enacted by the week's end, newest first.")
            .ResolveAsync(async c => await c.Db().Policies.Where(p => p.EnactedOn == null || p.EnactedOn <= c.Source.Week.End)
                .OrderByDescending(p => p.EnactedOn).ThenBy(p => p.Id).ToListAsync(c.CancellationToken));
        Field<NonNullGraphType<WeeklyReportTotalsGraphType>>("totals")
            .Description("Counts over the week's detainers.")
            .ResolveAsync(async c =>
            {
                var db = c.Db();
                var start = c.Source.Week.Start;
                var (week, excluded) = db.Detainers.Where(d => d.WeekStart == start && !d.Retracted).SplitSynthetic(!c.Source.IncludeSynthetic);
                var declined = week.Where(d => d.Outcome == DetainerOutcome.DeclinedByLea);
                return new WeeklyReportTotals(
                    await week.CountAsync(c.CancellationToken),
                    await declined.CountAsync(c.CancellationToken),
                    await declined.Where(d => d.JurisdictionId != null).Select(d => d.JurisdictionId).Distinct().CountAsync(c.CancellationToken),
                    await db.Reports.Where(r => r.WeekStart == start).Select(r => r.DetainersIssuedNationwide).FirstOrDefaultAsync(c.CancellationToken),
                    excluded is null || !c.SelectsSyntheticExcluded() ? null : await excluded.CountAsync(c.CancellationToken));
            });
    }
}

public sealed class WeeklyReportTotalsGraphType : ObjectGraphType<WeeklyReportTotals>
{
    public WeeklyReportTotalsGraphType()
    {
        Name = "WeeklyReportTotals";
        Description = "Counts over one reporting week: published detainers only unless `weeklyReport(includeSynthetic: true)`.";
        Field(t => t.DetainersRecorded).Description("Detainers whose outcome was recorded in the week, whatever the outcome.");
        Field(t => t.Declined).Description("Of those, the detainers declined by the local agency (Section II's rows).");
        Field(t => t.DecliningJurisdictions).Description("How many jurisdictions declined at least one detainer.");
        Field(t => t.DetainersIssuedNationwide, nullable: true).Description("Detainers ICE issued nationwide that week, as its report stated; null when no report said.");
        Field(t => t.SyntheticExcluded, nullable: true).Description("How many synthetic (generated demo) detainers recorded in the week were left out of these counts; null when `weeklyReport(includeSynthetic: true)` counted them. Counted only when asked for.");
    }
}
