namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// Waits that can never hang the suite: each gives up after <see cref="Limit"/> with a sentence saying what never
/// happened. The limit is a guard against a deadlock, not a speed check; nothing is asserted about how long a wait took.
/// </summary>
public static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static async Task WithinAsync(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Gave up after {Limit.TotalSeconds} s waiting for: {what}");
        }
    }

    public static async Task<T> WithinAsync<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Limit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Gave up after {Limit.TotalSeconds} s waiting for: {what}");
            throw;
        }
    }
}
