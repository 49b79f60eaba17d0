using System.Data.Common;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// An import stopped at or right after its commit logs no failure: the store holds what the commit decided (the whole
/// file), a correct outcome, and the caller is told the import was stopped; nothing in the log says a transaction failed.
/// </summary>
public sealed class ImportStopLogTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly StopAt _stop = new();
    private readonly TestApp _app;

    public ImportStopLogTests()
    {
        _app = new(services: services =>
        {
            services.AddSingleton<ILoggerProvider>(_logs);
            services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(_stop.Commits, _stop.Statements));
        });
    }

    public void Dispose() => _app.Dispose();

    [Theory]
    // The stop lands while the import's transaction commits (the commit itself is never abandoned half-way).
    [InlineData("commit")]
    // The stop lands after the commit, when the planner statistics have been recomputed and are about to be committed.
    [InlineData("ANALYZE")]
    public async Task An_import_stopped_at_its_commit_keeps_the_file_and_logs_no_error(string where)
    {
        _app.Started();
        _stop.Where = where;
        await using var scope = _app.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<Importer>();

        var stopped = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            importer.ImportAsync("detainers.csv", System.Text.Encoding.UTF8.GetBytes(SampleRows.Detainers), null, _stop.Token).WithinAsync("the stopped import"));

        Assert.True(_stop.Token.IsCancellationRequested, stopped.ToString());
        Assert.Equal(2, (await _app.CountsAsync())["detainers"]);
        Assert.True(_logs.Errors().Count == 0, string.Join('\n', _logs.Errors()));
    }

    /// <summary>Cancels its token at one point of the import: as its transaction commits, or after the statistics' ANALYZE ran.</summary>
    private sealed class StopAt : IDisposable
    {
        private readonly CancellationTokenSource _source = new();

        public StopAt()
        {
            Commits = new CommitStop(this);
            Statements = new StatementStop(this);
        }

        public string Where { get; set; } = "";

        public CancellationToken Token => _source.Token;

        public IInterceptor Commits { get; }

        public IInterceptor Statements { get; }

        public void Dispose() => _source.Dispose();

        private sealed class CommitStop(StopAt owner) : DbTransactionInterceptor
        {
            public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            {
                // The import's own transaction: the first to commit with the file's detainers in it (the statistics'
                // transaction commits after it; the store holds no detainer before the import).
                if (owner.Where == "commit" && !owner._source.IsCancellationRequested && HoldsDetainers(transaction))
                {
                    owner._source.Cancel();
                }
                return ValueTask.FromResult(result);
            }
        }

        private static bool HoldsDetainers(DbTransaction transaction)
        {
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT EXISTS (SELECT 1 FROM \"Detainers\")";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }

        private sealed class StatementStop(StopAt owner) : DbCommandInterceptor
        {
            public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
            {
                if (owner.Where == "ANALYZE" && command.CommandText.Contains("ANALYZE;", StringComparison.Ordinal))
                {
                    owner._source.Cancel();
                }
                return ValueTask.FromResult(result);
            }
        }
    }
}
