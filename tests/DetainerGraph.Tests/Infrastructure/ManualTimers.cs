namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// A clock whose timers fire only when the test calls <see cref="Advance"/>: the server's execution timeout (and anything
/// else it times with the registered <see cref="TimeProvider"/>) runs out at the moment the test chooses, never because
/// the machine was slow. Wall-clock time (<see cref="TimeProvider.GetUtcNow"/>) stays real, so tokens and timestamps keep working.
/// </summary>
public sealed class ManualTimers : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private TimeSpan _elapsed;

    /// <summary>How many timers are armed (e.g. to know a request has started its budget).</summary>
    public int Armed
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the timers' time on and fires (on the caller's thread) every timer that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _elapsed += by;
            due = [.. _timers.Where(t => t.DueAt is { } at && at <= _elapsed)];
            foreach (var timer in due)
            {
                timer.DueAt = timer.Period > TimeSpan.Zero ? _elapsed + timer.Period : null;
            }
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimers owner, TimerCallback callback, object? state) : ITimer
    {
        public TimeSpan? DueAt { get; set; }
        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._elapsed + dueTime;
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
