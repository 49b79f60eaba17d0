using System.Globalization;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Weeks;

public sealed class WeekGraphType : ObjectGraphType<Week>
{
    public WeekGraphType()
    {
        Name = "Week";
        Description = "A Saturday-to-Friday reporting week of the Declined Detainer Outcome Report.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The week's opaque ID.")
            .Resolve(c => GlobalId.Encode("Week", c.Source.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Field<NonNullGraphType<IsoDateGraphType>>("start").Description("The Saturday that starts the week; it identifies the week.").Resolve(c => c.Source.Start);
        Field<NonNullGraphType<IsoDateGraphType>>("end").Description("The Friday that ends the week.").Resolve(c => c.Source.End);
        Field<NonNullGraphType<BooleanGraphType>>("isSynthetic")
                    .Description("Whether this week is known only from synthetic sources (the generated demo): created by a synthetic import and named by no published record. Lists of weeks leave such ones out unless `includeSynthetic` is true.")
                    .Resolve(c => WeekDataLoaders.WeekIsSynthetic.Load(c, c.Source.Start));
        Field<ReportGraphType>("report")
            .Description("The Declined Detainer Outcome Report that covered this week, if one did.")
            .Resolve(c => WeekDataLoaders.ReportByWeekStart.Load(c, c.Source.Start));
        this.DetainerListField("detainers",
            "The detainers whose outcome was recorded in this week (or that a report placed in it). Published records only unless `includeSynthetic` is true.",
            c => d => d.WeekStart == c.Source.Start);
    }
}
