using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Data;

/// <summary>A cancelled token stops a SQLite statement that is already running, and the connection stays usable.</summary>
public sealed class SqliteInterruptTests : IDisposable
{
    // A billion rows counted by one statement: minutes of work, unless interrupted.
    private const string Endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000) SELECT count(*) AS Value FROM n";

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Cancelling_stops_a_running_statement()
    {
        var outcome = await _app.WithDbAsync(async db =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            Exception? stopped = null;
            try
            {
                await db.Database.SqlQueryRaw<long>(Endless).SingleAsync(cancel.Token);
            }
            catch (Exception e)
            {
                stopped = e;
            }
            // The same context and connection answer the next statement.
            var after = await db.Database.SqlQueryRaw<long>("SELECT 41 + 1 AS Value").SingleAsync();
            return (stopped, after);
        });

        Assert.NotNull(outcome.stopped);
        Assert.True(outcome.stopped is OperationCanceledException || SqliteInterrupt.IsInterrupt(outcome.stopped), outcome.stopped.ToString());
        Assert.Equal(42, outcome.after);
    }
}
