using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;

namespace DetainerGraph.Weeks;

public sealed class WeekFilterInputGraphType : FilterInputGraphType<Week, WeekFilterInputGraphType>
{
    public WeekFilterInputGraphType()
        : base("WeekFilterInput", "Conditions on reporting weeks.")
    {
        Date("start", w => w.Start, "The Saturday that starts the week.");
        Date("end", w => w.End, "The Friday that ends the week.");
    }
}

public sealed class WeekSortInputGraphType : SortInputGraphType<Week, WeekSortInputGraphType>
{
    public WeekSortInputGraphType()
        : base("WeekSortInput", "A sort key for reporting weeks.")
    {
        Key("start", w => w.Start, "The week's Saturday.");
    }
}
