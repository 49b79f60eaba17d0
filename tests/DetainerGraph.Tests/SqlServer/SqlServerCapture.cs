using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>What the capturing context answers each SELECT with.</summary>
public enum CaptureRows
{
    /// <summary>No rows (a zero for a COUNT or a count summed from a rollup): an empty store.</summary>
    None,

    /// <summary>One made-up row per SELECT (ids 1, dates 2017-01-28, texts "0"), so nested fields are batch-loaded too.</summary>
    One,
}

/// <summary>
/// Runs GraphQL operations, imports and corrections through the app's own code, with the DbContext swapped for a
/// SQL Server one that never connects: opening the connection and transactions are suppressed, and each command is
/// recorded (text and parameters, as SqlClient would send them) and answered with made-up rows
/// (<see cref="CaptureRows"/>); writes get the keys and row counts EF Core expects. What is recorded is the text EF
/// Core's SQL Server provider hands to SqlClient, for every statement the operation sends. EF Core throws when a
/// query cannot be translated, so a recorded operation ran in SQL.
/// </summary>
internal sealed partial class SqlServerCapture(CaptureRows rows = CaptureRows.None) : DbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<CapturedStatement> _statements = new();
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly ConcurrentQueue<IsolationLevel> _transactions = new();
    private readonly ConcurrentQueue<string> _openedWith = new();

    /// <summary>The isolation level of each transaction begun, in order.</summary>
    public IReadOnlyList<IsolationLevel> Transactions => [.. _transactions];

    /// <summary>The connection string of each connection opened, in order.</summary>
    public IReadOnlyList<string> OpenedWith => [.. _openedWith];

    public IReadOnlyList<CapturedStatement> Statements => [.. _statements];

    /// <summary>Each statement rendered with its parameters' values as comments, then its text.</summary>
    public IReadOnlyList<string> Commands => [.. _commands];

    public static SqlServerDetainerDbContext Context(SqlServerCapture capture) =>
        new(new DbContextOptionsBuilder<SqlServerDetainerDbContext>()
            .UseSqlServer("Server=tcp:sqlserver.invalid,1433;Database=DetainerGraph;Connect Timeout=1;Encrypt=True;TrustServerCertificate=True")
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .AddInterceptors(capture)
            .Options);

    /// <summary>Executes <paramref name="query"/> against the app's schema with a capturing SQL Server context; returns the statements.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IServiceProvider appServices, string query)
    {
        var capture = new SqlServerCapture();
        await capture.ExecuteAsync(appServices, query);
        return capture.Commands;
    }

    /// <summary>Executes a GraphQL operation with this capture's context; fails on any GraphQL error.</summary>
    /// <param name="allowUnresolved">Whether made-up rows may leave a field unresolved (a search hit whose charge the made-up rows do not hold).</param>
    public async Task ExecuteAsync(IServiceProvider appServices, string query, Inputs? variables = null, bool allowUnresolved = false)
    {
        await using var db = Context(this);
        await using var scope = appServices.CreateAsyncScope();
        var result = await appServices.GetRequiredService<IDocumentExecuter<ISchema>>().ExecuteAsync(new ExecutionOptions
        {
            Query = query,
            Variables = variables,
            RequestServices = new WithDbContext(scope.ServiceProvider, db),
        });
        if (result.Errors is { Count: > 0 } errors
            && !(allowUnresolved && errors.All(e => e.Message.StartsWith("The server failed to resolve field", StringComparison.Ordinal))))
        {
            throw new InvalidOperationException("The operation failed: " + string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message} {e.InnerException}")));
        }
    }

    /// <summary>Runs <paramref name="work"/> with app services whose <see cref="DetainerDbContext"/> is this capture's.</summary>
    public async Task RunAsync(IServiceProvider appServices, Func<IServiceProvider, Task> work)
    {
        await using var db = Context(this);
        await using var scope = appServices.CreateAsyncScope();
        await work(new WithDbContext(scope.ServiceProvider, db));
    }

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        _openedWith.Enqueue(connection.ConnectionString);
        return InterceptionResult.Suppress();
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        _openedWith.Enqueue(connection.ConnectionString);
        return ValueTask.FromResult(InterceptionResult.Suppress());
    }

    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult<DbDataReader> IDbCommandInterceptor.ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        InterceptionResult<DbDataReader>.SuppressWithResult(Answer(command));

    ValueTask<InterceptionResult<DbDataReader>> IDbCommandInterceptor.ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(Answer(command)));

    InterceptionResult<int> IDbCommandInterceptor.NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return InterceptionResult<int>.SuppressWithResult(1);
    }

    ValueTask<InterceptionResult<int>> IDbCommandInterceptor.NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        Record(command);
        return ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(1));
    }

    InterceptionResult<object> IDbCommandInterceptor.ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return InterceptionResult<object>.SuppressWithResult(rows == CaptureRows.One ? 1 : 0);
    }

    ValueTask<InterceptionResult<object>> IDbCommandInterceptor.ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken)
    {
        Record(command);
        return ValueTask.FromResult(InterceptionResult<object>.SuppressWithResult(rows == CaptureRows.One ? 1 : 0));
    }

    InterceptionResult<DbTransaction> IDbTransactionInterceptor.TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        _transactions.Enqueue(eventData.IsolationLevel);
        return InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection, eventData.IsolationLevel));
    }

    ValueTask<InterceptionResult<DbTransaction>> IDbTransactionInterceptor.TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken)
    {
        _transactions.Enqueue(eventData.IsolationLevel);
        return ValueTask.FromResult(InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection, eventData.IsolationLevel)));
    }

    // Savepoints (SaveChanges inside a transaction) are statements on the transaction, which never began.
    InterceptionResult IDbTransactionInterceptor.CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.CreatingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult IDbTransactionInterceptor.ReleasingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.ReleasingSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult IDbTransactionInterceptor.RollingBackToSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    ValueTask<InterceptionResult> IDbTransactionInterceptor.RollingBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    private void Record(DbCommand command)
    {
        _statements.Enqueue(new CapturedStatement(command.CommandText.ReplaceLineEndings("\n"), [.. command.Parameters.Cast<DbParameter>().Select(CapturedParameter.Of)]));
        _commands.Enqueue(Render(command));
    }

    private DbDataReader Answer(DbCommand command)
    {
        Record(command);
        var text = command.CommandText;
        // A write batch answers each OUTPUT clause: one row per inserted row (a MERGE numbers them in _Position).
        if (text.Contains("OUTPUT ", StringComparison.Ordinal))
        {
            var sets = new List<DataTable>();
            foreach (var statement in text.Split(";\n").Where(s => s.Contains("OUTPUT ", StringComparison.Ordinal)))
            {
                var outputs = OutputClause().Match(statement).Groups[1].Value.Split(',');
                var count = statement.Contains("_Position", StringComparison.Ordinal) ? PositionLiteral().Count(statement) : 1;
                var table = new DataTable { Locale = CultureInfo.InvariantCulture };
                foreach (var output in outputs)
                {
                    table.Columns.Add(output.Trim(), typeof(long));
                }
                for (var i = 0; i < count; i++)
                {
                    table.Rows.Add([.. outputs.Select(o => o.Contains("_Position", StringComparison.Ordinal) ? i : o.Trim() == "1" ? 1L : (object)(1000L + i))]);
                }
                sets.Add(table);
            }
            return new MadeUpRows(sets.Select(t => t.Rows.Count).ToList(), sets);
        }
        var first = text.Split('\n').FirstOrDefault(l => !l.StartsWith("SET ", StringComparison.Ordinal)) ?? "";
        // An aggregate without GROUP BY answers one row even over no rows, as in SQL: a COUNT, a count summed from a
        // rollup (EF Core's COALESCE(SUM(...), 0)), or a MAX (the outbox's high-water mark before a rebuild).
        if (first.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal) || first.StartsWith("SELECT COUNT_BIG(*)", StringComparison.Ordinal)
            || ((first.StartsWith("SELECT COALESCE(SUM(", StringComparison.Ordinal) || first.StartsWith("SELECT MAX(", StringComparison.Ordinal))
                && !text.Contains("GROUP BY", StringComparison.Ordinal)))
        {
            return new MadeUpRows([1], null, count: rows == CaptureRows.One ? 1 : 0);
        }
        // The outbox always reads empty: a made-up owed row would be indexed forever.
        var empty = rows == CaptureRows.None || text.Contains("FROM [SearchOutbox]", StringComparison.Ordinal);
        // An existence test (SELECT CASE WHEN EXISTS ...) answers true over made-up rows; other flags are false.
        return new MadeUpRows([empty ? 0 : 1], null, truth: !empty && first.StartsWith("SELECT CASE", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"OUTPUT (.+?)(?:\s+(?:WHERE|VALUES|INTO)\b|;|$)", RegexOptions.Singleline)]
    private static partial Regex OutputClause();

    [GeneratedRegex(@", (\d+)\)")]
    private static partial Regex PositionLiteral();

    /// <summary>The parameters as comments (name, type, value), then the statement.</summary>
    private static string Render(DbCommand command)
    {
        var text = new StringBuilder();
        foreach (DbParameter p in command.Parameters)
        {
            var value = p.Value switch
            {
                string s => $"'{s}'",
                DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                _ => Convert.ToString(p.Value, CultureInfo.InvariantCulture),
            };
            text.Append(CultureInfo.InvariantCulture, $"-- {p.ParameterName} {p.DbType}{(p.Size > 0 ? $"({p.Size})" : "")} = {value}\n");
        }
        return text.Append(command.CommandText.ReplaceLineEndings("\n")).ToString();
    }

    /// <summary>The request's services, with <see cref="DetainerDbContext"/> answered by the capturing context.</summary>
    private sealed class WithDbContext(IServiceProvider inner, DetainerDbContext db) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(DetainerDbContext) || serviceType == typeof(SqlServerDetainerDbContext) ? db : inner.GetService(serviceType);
    }

    /// <summary>A transaction that was never begun: commits and rollbacks do nothing.</summary>
    private sealed class NoTransaction(DbConnection connection, IsolationLevel isolationLevel) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => isolationLevel;

        protected override DbConnection DbConnection => connection;

        public override bool SupportsSavepoints => true;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }

        public override void Save(string savepointName)
        {
        }

        public override void Rollback(string savepointName)
        {
        }

        public override void Release(string savepointName)
        {
        }
    }

    /// <summary>
    /// Rows made up for the typed reads EF Core's shapers make: numbers 1 (or the result set's values), texts "0"
    /// (a valid name for any enum, read by number), dates 2017-01-28 (a Saturday, a week's start), nothing null.
    /// </summary>
    private sealed class MadeUpRows(List<int> rowsPerSet, List<DataTable>? tables, long count = 1, bool truth = false) : DbDataReader
    {
        private int _set;
        private int _row = -1;

        private DataRow? Current => tables?[_set].Rows[_row];

        public override int FieldCount => tables?[_set].Columns.Count ?? 64;
        public override object this[int ordinal] => GetValue(ordinal);
        public override object this[string name] => throw new NotSupportedException();
        public override int RecordsAffected => rowsPerSet.Sum();
        public override bool HasRows => rowsPerSet[_set] > 0;
        public override bool IsClosed => false;
        public override int Depth => 0;

        public override bool Read() => ++_row < rowsPerSet[_set];

        public override bool NextResult()
        {
            _row = -1;
            return ++_set < rowsPerSet.Count;
        }

        public override Task<bool> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Read());

        public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => Task.FromResult(NextResult());

        private long Number(int ordinal) => Current is { } row ? Convert.ToInt64(row[ordinal], CultureInfo.InvariantCulture) : count;

        public override bool GetBoolean(int ordinal) => truth;
        public override byte GetByte(int ordinal) => (byte)Number(ordinal);
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => 0;
        public override char GetChar(int ordinal) => '0';
        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => 0;
        public override string GetDataTypeName(int ordinal) => "sql_variant";
        public override DateTime GetDateTime(int ordinal) => new(2017, 1, 28, 0, 0, 0, DateTimeKind.Utc);
        public override decimal GetDecimal(int ordinal) => Number(ordinal);
        public override double GetDouble(int ordinal) => Number(ordinal);
        public override Type GetFieldType(int ordinal) => typeof(object);
        public override float GetFloat(int ordinal) => Number(ordinal);
        public override Guid GetGuid(int ordinal) => Guid.Empty;
        public override short GetInt16(int ordinal) => (short)Number(ordinal);
        public override int GetInt32(int ordinal) => (int)Number(ordinal);
        public override long GetInt64(int ordinal) => Number(ordinal);
        public override string GetName(int ordinal) => $"c{ordinal}";
        public override int GetOrdinal(string name) => throw new NotSupportedException();
        public override string GetString(int ordinal) => "0";
        public override object GetValue(int ordinal) => Current is { } row ? row[ordinal] : count;
        public override int GetValues(object[] values) => throw new NotSupportedException();
        public override bool IsDBNull(int ordinal) => false;
        public override System.Collections.IEnumerator GetEnumerator() => throw new NotSupportedException();

        public override T GetFieldValue<T>(int ordinal) => (T)(object)(typeof(T) switch
        {
            var t when t == typeof(DateOnly) => new DateOnly(2017, 1, 28),
            var t when t == typeof(DateTimeOffset) => new DateTimeOffset(2017, 1, 28, 0, 0, 0, TimeSpan.Zero),
            var t when t == typeof(DateTime) => GetDateTime(ordinal),
            var t when t == typeof(string) => GetString(ordinal),
            var t when t == typeof(int) => GetInt32(ordinal),
            var t when t == typeof(long) => GetInt64(ordinal),
            var t when t == typeof(short) => GetInt16(ordinal),
            var t when t == typeof(bool) => GetBoolean(ordinal),
            var t when t == typeof(double) => GetDouble(ordinal),
            var t when t == typeof(decimal) => GetDecimal(ordinal),
            _ => throw new NotSupportedException($"No made-up {typeof(T).Name}."),
        });
    }
}
