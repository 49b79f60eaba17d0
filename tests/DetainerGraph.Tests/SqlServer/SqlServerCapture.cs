using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// Runs a GraphQL operation through the app's own executer and resolvers, with the request's DbContext swapped
/// for a SQL Server one that never connects: opening the connection is suppressed, and each command is recorded
/// and answered with no rows (or a zero for a COUNT). What is recorded is the text EF Core's SQL Server provider
/// hands to SqlClient, the same text <c>ToQueryString()</c> prints, for every statement the operation sends,
/// counts included. EF Core throws when a query cannot be translated, so a recorded operation ran in SQL.
/// </summary>
internal sealed class SqlServerCapture : DbConnectionInterceptor, IDbCommandInterceptor
{
    private readonly ConcurrentQueue<string> _commands = new();

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
        await using var db = Context(capture);
        await using var scope = appServices.CreateAsyncScope();
        var result = await appServices.GetRequiredService<IDocumentExecuter<ISchema>>().ExecuteAsync(new ExecutionOptions
        {
            Query = query,
            RequestServices = new WithDbContext(scope.ServiceProvider, db),
        });
        if (result.Errors is { Count: > 0 } errors)
        {
            throw new InvalidOperationException("The operation failed: " + string.Join("; ", errors.Select(e => e.Message + " " + e.InnerException)));
        }
        return capture.Commands;
    }

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        InterceptionResult.Suppress();

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    InterceptionResult<DbDataReader> IDbCommandInterceptor.ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        InterceptionResult<DbDataReader>.SuppressWithResult(Answer(command));

    ValueTask<InterceptionResult<DbDataReader>> IDbCommandInterceptor.ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken) =>
        ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(Answer(command)));

    private DbDataReader Answer(DbCommand command)
    {
        _commands.Enqueue(Render(command));
        var table = new DataTable();
        if (command.CommandText.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal))
        {
            table.Columns.Add("count", typeof(int));
            table.Rows.Add(0);
        }
        else if (command.CommandText.StartsWith("SELECT COUNT_BIG(*)", StringComparison.Ordinal))
        {
            table.Columns.Add("count", typeof(long));
            table.Rows.Add(0L);
        }
        return table.CreateDataReader();
    }

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
            serviceType == typeof(DetainerDbContext) ? db : inner.GetService(serviceType);
    }
}
