using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Weeks;

public static class WeekQueries
{
    private static readonly ListOf<WeekGraphType, Week, WeekFilterInputGraphType, WeekSortInputGraphType, DateOnly> Weeks = new(w => w.Start);

    public static void AddWeekQueries(this ObjectGraphType query)
    {
        Weeks.Field(query, "weeks",
                "The reporting weeks that hold data; by default oldest first. Those known only from synthetic sources (the generated demo) are left out unless `includeSynthetic` is true.",
                c => c.Db().Weeks, null,
                (c, matching) => matching.SplitSyntheticPlaces(SyntheticPlaces.SyntheticWeek(c.Db()), c.ExcludesSyntheticPlaces()))
            .WithIncludeSyntheticPlaces("weeks");

        query.Field<WeekGraphType>("week")
            .Description("The reporting week that starts on a Saturday, or null when no data falls in it.")
            .Argument<NonNullGraphType<IsoDateGraphType>>("start", "The week's Saturday, YYYY-MM-DD.")
            .ResolveAsync(async c =>
            {
                var start = c.GetWeekStartArgument("start");
                return await c.Db().Weeks.FirstOrDefaultAsync(w => w.Start == start, c.CancellationToken);
            });
    }

    /// <summary>A date argument that must be a Saturday, the day a reporting week starts.</summary>
    public static DateOnly GetWeekStartArgument(this IResolveFieldContext context, string argument)
    {
        var start = context.GetArgument<DateOnly>(argument);
        if (start.DayOfWeek != DayOfWeek.Saturday)
        {
            throw new ExecutionError($"Reporting weeks start on Saturday; {start:yyyy-MM-dd} is a {start.DayOfWeek}.") { Code = "NOT_A_WEEK_START" };
        }
        return start;
    }
}
