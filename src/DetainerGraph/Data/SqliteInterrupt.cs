using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DetainerGraph.Data;

/// <summary>
/// Makes a cancellation token stop a SQLite statement that is already running. Microsoft.Data.Sqlite checks
/// the token only between statements (its <c>Cancel()</c> does nothing: dotnet/efcore#38757), so a single long
/// statement would run on past the execution timeout. While an async command runs, its token is tied to
/// <c>sqlite3_interrupt</c> on the command's connection; the statement then fails with SQLITE_INTERRUPT, which
/// <see cref="IsInterrupt"/> recognizes. The tie ends when the command's reader closes or the command ends, so
/// a pooled connection's next user is never interrupted.
/// </summary>
public sealed class SqliteInterrupt : DbCommandInterceptor
{
    public static readonly SqliteInterrupt Instance = new();

    private const int SqliteInterruptCode = 9;
    private static readonly ConditionalWeakTable<DbCommand, Tie> Ties = [];

    private SqliteInterrupt()
    {
    }

    /// <summary>Whether the exception chain holds a statement stopped by <c>sqlite3_interrupt</c>.</summary>
    public static bool IsInterrupt(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteInterruptCode })
            {
                return true;
            }
        }
        return false;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Begin(command, cancellationToken);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Begin(command, cancellationToken);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Begin(command, cancellationToken);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        End(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        End(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        End(command);
        return result;
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        End(command);
        return Task.CompletedTask;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => End(command);

    private static void Begin(DbCommand command, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || command.Connection is not SqliteConnection connection)
        {
            return;
        }
        var registration = cancellationToken.Register(static state =>
        {
            if (((SqliteConnection)state!).Handle is { } handle)
            {
                SQLitePCL.raw.sqlite3_interrupt(handle);
            }
        }, connection);
        Ties.AddOrUpdate(command, new Tie(registration));
    }

    private static void End(DbCommand command)
    {
        if (Ties.TryGetValue(command, out var tie))
        {
            Ties.Remove(command);
            // Waits for a running callback, so no interrupt lands after the command has let go of its connection.
            tie.Registration.Dispose();
        }
    }

    private sealed record Tie(CancellationTokenRegistration Registration);
}
