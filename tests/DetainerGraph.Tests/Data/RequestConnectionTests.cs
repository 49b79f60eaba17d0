using System.Data;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// A request holds its SQLite connection open from its first statement to the end of its scope, and the end of the
/// scope closes it on every path (answered, failed, cancelled) before the pooled context is reused.
/// </summary>
public sealed class RequestConnectionTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_connection_opens_at_first_use_stays_open_between_statements_and_closes_with_the_scope()
    {
        DbConnectionProbe probe;
        await using (var scope = _app.Started().CreateAsyncScope())
        {
            var connection = scope.ServiceProvider.GetRequiredService<RequestConnection>();
            Assert.False(connection.IsHeld);
            var db = connection.Db;
            probe = new DbConnectionProbe(db.Database.GetDbConnection());
            Assert.Equal(ConnectionState.Open, probe.Connection.State);

            Assert.Equal(0, await db.Detainers.CountAsync());
            Assert.Equal(ConnectionState.Open, probe.Connection.State);
            Assert.Equal(1, await db.Database.SqlQueryRaw<int>("SELECT 1 AS Value").SingleAsync());
            Assert.Equal(ConnectionState.Open, probe.Connection.State);
            // The same context each time, not a second connection.
            Assert.Same(db, connection.Db);
            Assert.Same(probe.Connection, connection.Db.Database.GetDbConnection());
            Assert.Equal(0, probe.Closes);
        }
        Assert.Equal(ConnectionState.Closed, probe.Connection.State);
        Assert.Equal(1, probe.Closes);
    }

    [Fact]
    public async Task A_failed_statement_leaves_the_connection_to_be_closed_with_the_scope()
    {
        DbConnectionProbe probe;
        await using (var scope = _app.Started().CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RequestConnection>().Db;
            probe = new DbConnectionProbe(db.Database.GetDbConnection());
            await Assert.ThrowsAsync<SqliteException>(() => db.Database.SqlQueryRaw<int>("SELECT Value FROM NoSuchTable").ToListAsync());
            Assert.Equal(ConnectionState.Open, probe.Connection.State);
        }
        Assert.Equal(ConnectionState.Closed, probe.Connection.State);
    }

    [Fact]
    public async Task A_cancelled_statement_leaves_the_connection_to_be_closed_with_the_scope()
    {
        DbConnectionProbe probe;
        await using (var scope = _app.Started().CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RequestConnection>().Db;
            probe = new DbConnectionProbe(db.Database.GetDbConnection());
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.Detainers.CountAsync(cancelled.Token));
        }
        Assert.Equal(ConnectionState.Closed, probe.Connection.State);
    }

    [Fact]
    public async Task A_scope_disposed_synchronously_closes_the_connection_too()
    {
        DbConnectionProbe probe;
        using (var scope = _app.Started().CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RequestConnection>().Db;
            probe = new DbConnectionProbe(db.Database.GetDbConnection());
            Assert.Equal(ConnectionState.Open, probe.Connection.State);
        }
        Assert.Equal(ConnectionState.Closed, probe.Connection.State);
    }

    [Fact]
    public async Task After_graphql_requests_that_answer_and_fail_the_pooled_context_comes_back_with_its_connection_closed()
    {
        _app.Started();
        var answered = await _app.DataAsync("{ detainers(first: 5) { totalCount nodes { id } } }");
        Assert.Equal(0, answered.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        var failed = await _app.QueryAsync("{ detainers(first: 5) { totalCount } detainer(id: \"not an id\") { id } }");
        Assert.True(failed.TryGetProperty("errors", out _));

        // Requests run one at a time here, so the pool hands the same context back: closed, and reopened by the next use.
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        Assert.Equal(ConnectionState.Closed, db.Database.GetDbConnection().State);
        Assert.Equal(ConnectionState.Open, scope.ServiceProvider.GetRequiredService<RequestConnection>().Db.Database.GetDbConnection().State);
    }

    /// <summary>Watches one connection's state changes.</summary>
    private sealed class DbConnectionProbe
    {
        public DbConnectionProbe(System.Data.Common.DbConnection connection)
        {
            Connection = connection;
            connection.StateChange += (_, e) =>
            {
                if (e.CurrentState == ConnectionState.Closed)
                {
                    Closes++;
                }
            };
        }

        public System.Data.Common.DbConnection Connection { get; }

        public int Closes { get; private set; }
    }
}
