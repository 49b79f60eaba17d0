using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// The execution timeout stops search work too: the engine call's token is cancelled, not left running. The engine
/// holds every search until it is cancelled, and the test fires the timeout through the server's timers: nothing
/// depends on how fast the machine is.
/// </summary>
public sealed class TimeoutCancelsSearchTests
{
    [Fact]
    public async Task A_search_past_the_execution_timeout_is_cancelled_and_answered_with_a_code()
    {
        // An engine whose searches run until cancelled, recording that they were.
        var engine = new FakeSearchEngine { Mode = FakeSearchEngine.Fault.Hangs, FaultOn = FakeSearchEngine.Calls.Search };
        var timers = new ManualTimers();
        using var app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["GraphQL:ExecutionTimeout"] = "00:00:10",
            // The search's own budget (wall clock) stays out of the way: this test is about the request's.
            ["Search:RequestTimeout"] = "01:00:00",
        }, services: s =>
        {
            s.UseSearchEngine(engine);
            s.AddSingleton<TimeProvider>(timers);
        });

        var sent = app.QueryAsync("{ searchCharges(query: \"dui\") { totalCount } }");
        await engine.Entered.WithinAsync("the search to reach the engine");
        timers.Advance(TimeSpan.FromSeconds(11));
        await engine.Cancelled.WithinAsync("the engine's search to be cancelled by the timeout");
        var body = await sent.WithinAsync("the answer");

        Assert.Equal("TIMEOUT", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }
}
