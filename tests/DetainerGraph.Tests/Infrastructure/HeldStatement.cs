using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// Holds the first SQL reader opened after <see cref="Arm"/> (its statement already running, as SQLite has stepped it
/// once) until the test calls <see cref="Release"/> or the command's token is cancelled: a request is then known to be
/// inside its database work, for as long as the test needs. Add it with
/// <c>services.ConfigureDbContext&lt;SqliteDetainerDbContext&gt;(o =&gt; o.AddInterceptors(held))</c>.
/// The hold gives up after <see cref="Bounded.Limit"/>, so a broken test can never hang the host's disposal.
/// </summary>
public sealed class HeldStatement : DbCommandInterceptor
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;
    private int _holds;

    /// <summary>Which commands may be held (all by default): e.g. only those carrying a marker the test's query sends.</summary>
    public Func<DbCommand, bool> Matches { get; set; } = _ => true;

    /// <summary>
    /// When the hold ends by cancellation, step the statement on from inside the command (as a long first step would be
    /// when the interrupt lands): SQLite then fails it with SQLITE_INTERRUPT, which EF Core sees as the command's failure.
    /// </summary>
    public bool StepWhenCancelled { get; set; }

    /// <summary>Holds the next matching reader opened (once).</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>Completes when a statement is being held.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Completes when the hold ends: true when it ended because the command's token was cancelled.</summary>
    public Task<bool> Ended => _ended.Task;

    /// <summary>How many statements were held (0 or 1).</summary>
    public int Holds => Volatile.Read(ref _holds);

    public void Release() => _released.TrySetResult();

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _armed) == 1 && Matches(command) && Interlocked.CompareExchange(ref _armed, 0, 1) == 1)
        {
            Interlocked.Increment(ref _holds);
            _entered.TrySetResult();
            var cancelled = false;
            try
            {
                await _released.Task.WaitAsync(Bounded.Limit, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }
            catch (TimeoutException)
            {
            }
            _ended.TrySetResult(cancelled);
            if (cancelled && StepWhenCancelled)
            {
                // What SqliteInterrupt does on cancellation, done here so it has surely landed before the step.
                if (command.Connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
                {
                    SQLitePCL.raw.sqlite3_interrupt(handle);
                }
                while (await result.ReadAsync(CancellationToken.None))
                {
                }
            }
        }
        return result;
    }
}

/// <summary>
/// Holds the first transaction commit after <see cref="Arm"/>, once it has committed, until <see cref="Release"/>:
/// the moment between a write landing and the code after it. Bounded like <see cref="HeldStatement"/>.
/// </summary>
public sealed class HeldCommit : DbTransactionInterceptor
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>Which commits may be held (all by default): e.g. only those of a context tracking a correction.</summary>
    public Func<TransactionEndEventData, bool> Matches { get; set; } = _ => true;

    public void Arm() => Volatile.Write(ref _armed, 1);

    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _armed) == 1 && Matches(eventData) && Interlocked.CompareExchange(ref _armed, 0, 1) == 1)
        {
            _entered.TrySetResult();
            try
            {
                await _released.Task.WaitAsync(Bounded.Limit, CancellationToken.None);
            }
            catch (TimeoutException)
            {
            }
        }
    }
}
