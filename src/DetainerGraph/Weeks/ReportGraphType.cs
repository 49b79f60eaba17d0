using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using GraphQL.Types;

namespace DetainerGraph.Weeks;

public sealed class ReportGraphType : ObjectGraphType<Report>
{
    public ReportGraphType()
    {
        Name = "Report";
        Description = "One weekly Declined Detainer Outcome Report. ICE published three, in March and April 2017.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The report's opaque ID.").Resolve(c => GlobalId.Encode("Report", c.Source.Number));
        Field(r => r.Number).Description("The report's number in the series, from 1.");
        Field<NonNullGraphType<WeekGraphType>>("week").Description("The week the report covers.").Resolve(c => Week.Starting(c.Source.WeekStart));
        Field<IsoDateGraphType>("publishedOn").Description("When ICE published it, when known.").Resolve(c => c.Source.PublishedOn);
        Field(r => r.DetainersIssuedNationwide, nullable: true).Description("Detainers ICE issued nationwide in the week, as the report stated.");
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "Where these facts were transcribed from.");
    }
}
