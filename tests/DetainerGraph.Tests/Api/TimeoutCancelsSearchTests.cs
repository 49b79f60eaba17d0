using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>The execution timeout stops search work too: the engine call's token is cancelled, not left running.</summary>
public sealed class TimeoutCancelsSearchTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["GraphQL:ExecutionTimeout"] = "00:00:01" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_search_past_the_execution_timeout_is_cancelled_and_answered_with_a_code()
    {
        // An engine whose searches run until cancelled, recording that they were.
        var engine = new FakeSearchEngine { Mode = FakeSearchEngine.Fault.Hangs, FaultOn = FakeSearchEngine.Calls.Search };
        using var app = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.UseSearchEngine(engine)));
        using var client = app.CreateClient();
        // Warm the server first (schema, validation, the first SQL): on a loaded machine a cold first request can spend
        // the whole 1 s budget before it reaches the engine, and this test is about the engine being cancelled.
        using (await client.PostAsync("/graphql", new StringContent(
            """{"query":"{ __typename detainers(first: 1) { totalCount } }"}""", System.Text.Encoding.UTF8, "application/json")))
        {
        }

        using var response = await client.PostAsync("/graphql", new StringContent(
            """{"query":"{ searchCharges(query: \"dui\") { totalCount } }"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        // A guard against a hang, not a speed check: the cancellation has been seen long before.
        var cancelled = await Task.WhenAny(engine.Cancelled, Task.Delay(TimeSpan.FromMinutes(1)));

        Assert.True(engine.Searches > 0, body.GetRawText());
        Assert.Same(engine.Cancelled, cancelled);
        Assert.Contains(body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString(), (string[])["TIMEOUT", "SEARCH_UNAVAILABLE"]);
    }
}
