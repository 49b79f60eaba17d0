using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Weeks;

/// <summary>The week feature's batch loaders.</summary>
public static class WeekDataLoaders
{
    /// <summary>The report that covered a week, by the week's Saturday.</summary>
    public static readonly Loader<DateOnly, Report> ReportByWeekStart = new(async (db, starts, ct) =>
        await db.Reports.Where(r => starts.Contains(r.WeekStart)).ToDictionaryAsync(r => r.WeekStart, ct));

    /// <summary>Which of the weeks asked for are synthetic (<see cref="SyntheticPlaces"/>), by the week's Saturday.</summary>
    public static readonly Loader<DateOnly, bool> WeekIsSynthetic = new(async (db, starts, ct) =>
    {
        var synthetic = (await db.Weeks.Where(w => starts.Contains(w.Start)).Where(SyntheticPlaces.SyntheticWeek(db))
            .Select(w => w.Start).ToListAsync(ct)).ToHashSet();
        return starts.ToDictionary(start => start, synthetic.Contains);
    });
}
