using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// A request the client ends (by leaving) or lets run out (the execution timeout) is not a server failure: it is
/// answered with a code, or not at all, and nothing is logged at Error level, not by the app and not by EF Core
/// for the statement it interrupted. The statement is held by the test and the timeout fired by it, so the outcome
/// does not depend on the machine's speed.
/// </summary>
public sealed class ClientCausedLoggingTests : IDisposable
{
    private const string Marker = "logging-marker";
    private const string HeldQuery = "{ detainers(first: 5, where: { citizenship: { neq: \"" + Marker + "\" } }) { nodes { id charges { description } } } }";

    private readonly HeldStatement _held = new()
    {
        StepWhenCancelled = true,
        Matches = command => command.CommandText.Contains(Marker, StringComparison.Ordinal)
            || command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => Equals(p.Value, Marker)),
    };

    private readonly ManualTimers _timers = new();
    private readonly LogCapture _logs = new();
    private readonly TestApp _app;

    public ClientCausedLoggingTests()
    {
        _app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["GraphQL:ExecutionTimeout"] = "00:00:10",
            // "Request finished" lines, to know when an abandoned request has run its course on the server.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        }, services: services =>
        {
            services.AddSingleton<TimeProvider>(_timers);
            services.AddSingleton<ILoggerProvider>(_logs);
            services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(_held));
        });
    }

    public void Dispose()
    {
        _held.Release();
        _app.Dispose();
    }

    [Fact]
    public async Task A_query_stopped_by_the_execution_timeout_inside_its_SQL_logs_nothing_at_error_level()
    {
        await _app.ImportAsync("detainers.csv", SampleRows.Detainers);
        _held.Arm();
        var sent = _app.QueryAsync(HeldQuery);
        await _held.Entered.WithinAsync("the query to reach its SQL statement");
        _timers.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await _held.Ended.WithinAsync("the statement to see the timeout"));
        var result = await sent.WithinAsync("the answer");

        Assert.Equal("TIMEOUT", result.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.True(_logs.Errors().Count == 0, string.Join('\n', _logs.Errors()));
        // The interrupted connection serves the next request.
        Assert.Equal(2, (await _app.DataAsync("{ detainers { totalCount } }")).GetProperty("detainers").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_client_that_leaves_during_its_SQL_is_not_logged_at_error_level()
    {
        await _app.ImportAsync("detainers.csv", SampleRows.Detainers);
        _held.Arm();
        using var client = _app.CreateClient();
        using var leave = new CancellationTokenSource();
        var sent = client.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query = HeldQuery }), System.Text.Encoding.UTF8, "application/json"), leave.Token);
        await _held.Entered.WithinAsync("the query to reach its SQL statement");
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent.WithinAsync("the cancelled request to end"));
        // The server saw the client leave: the statement's token was cancelled.
        Assert.True(await _held.Ended.WithinAsync("the statement to see the client leave"));
        await _logs.WaitForAsync(l => l.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && l.EventId.Id == 2,
            "the abandoned request to finish on the server");
        Assert.Equal(2, (await _app.DataAsync("{ detainers { totalCount } }")).GetProperty("detainers").GetProperty("totalCount").GetInt32());

        Assert.True(_logs.Errors().Count == 0, string.Join('\n', _logs.Errors()));
    }
}
