using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DetainerGraph.Data;

/// <summary>
/// Counts the SQL statements EF Core sends within a scope (one GraphQL request). The count flows with the
/// async context, so one singleton interceptor serves concurrent requests. Used for the per-request
/// metric and by the tests that hold the batch loaders to a constant number of statements.
/// </summary>
public sealed class SqlStatementCounter : DbCommandInterceptor
{
    private static readonly AsyncLocal<Counter?> Current = new();

    /// <summary>Starts counting for the current async flow; read the count from the returned object.</summary>
    public static Counter Begin() => Current.Value = new Counter();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count();
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Count();
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Count();
        return ValueTask.FromResult(result);
    }

    private static void Count()
    {
        if (Current.Value is { } counter)
        {
            Interlocked.Increment(ref counter.Statements);
        }
    }

    public sealed class Counter
    {
#pragma warning disable CA1051 // A field, so that Interlocked can increment it.
        public int Statements;
#pragma warning restore CA1051
    }
}
