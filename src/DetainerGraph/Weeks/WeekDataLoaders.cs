using DetainerGraph.Api;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Weeks;

/// <summary>The week feature's batch loaders.</summary>
public static class WeekDataLoaders
{
    /// <summary>The report that covered a week, by the week's Saturday.</summary>
    public static readonly Loader<DateOnly, Report> ReportByWeekStart = new(async (db, starts, ct) =>
        await db.Reports.Where(r => starts.Contains(r.WeekStart)).ToDictionaryAsync(r => r.WeekStart, ct));
}
