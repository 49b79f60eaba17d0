using System.Threading.RateLimiting;
using DetainerGraph.Data;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

/// <summary>
/// How many detainers the store holds, for pricing the filters that read every row (<see cref="CostModel.ScanScale"/>).
/// Counted in the background when the server starts and every <see cref="RefreshInterval"/> after (one <c>COUNT(*)</c>,
/// a few milliseconds at a million detainers), never on a request: the price of a request is computed synchronously
/// by the complexity analyzer. Zero until the first count, which prices scans as the sample data does.
/// </summary>
public sealed class StoreSize
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);

    private long _detainers;
    private long? _pinned;

    /// <summary>Detainers in the store (published, synthetic and retracted: a scan reads them all) at the last count.</summary>
    public long Detainers => _pinned ?? Interlocked.Read(ref _detainers);

    internal void Record(long detainers) => Interlocked.Exchange(ref _detainers, detainers);

    /// <summary>For tests: price scans as if the store held <paramref name="detainers"/>, whatever the counts say (null: count again).</summary>
    internal void Pin(long? detainers) => _pinned = detainers;
}

/// <summary>Counts the detainers for <see cref="StoreSize"/> at start and then every minute.</summary>
public sealed partial class StoreSizeCounter(StoreSize size, IServiceScopeFactory scopes, ILogger<StoreSizeCounter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StoreSize.RefreshInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
                size.Record(await db.Detainers.LongCountAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store not migrated yet, or busy: scans keep the last price until the next count.
                LogCountFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the detainers to price filters that read every row; keeping the last count")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}

/// <summary>
/// The server-wide bound on operations that read a table row by row (<see cref="RequestCost.Scans"/>: a filter or a sort no
/// index serves, a count grouped by a dimension no rollup holds): at most <c>GraphQL:MaxConcurrentScans</c> run at once, for
/// every client together, and up to <c>GraphQL:MaxQueuedScans</c> more wait their turn (oldest first, within the execution
/// timeout); past that one is answered 503 <c>SERVER_BUSY</c> with <c>Retry-After</c> before it runs. Each holds a
/// database thread for seconds on a large store, and 64 of them held every pool thread the server keeps ready: a cheap
/// query then waited up to 18 s (README "Limits"). Other operations never wait for this gate.
/// </summary>
public sealed class ScanGate : IDisposable
{
    public const string BusyCode = "SERVER_BUSY";
    public const int RetryAfterSeconds = 1;

    private readonly ConcurrencyLimiter _limiter;

    public ScanGate(GraphQLServerOptions options)
    {
        Permits = options.MaxConcurrentScans > 0 ? options.MaxConcurrentScans : Math.Max(2, Environment.ProcessorCount);
        QueueLimit = options.MaxQueuedScans >= 0 ? options.MaxQueuedScans : 8 * Permits;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Permits,
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>How many scanning operations may run at once.</summary>
    public int Permits { get; }

    /// <summary>How many more may wait for a slot.</summary>
    public int QueueLimit { get; }

    /// <summary>Scanning operations waiting for a slot now.</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>A slot for one scanning operation, or null when all are taken (without waiting).</summary>
    public IDisposable? TryEnter() => Acquired(_limiter.AttemptAcquire());

    /// <summary>A slot, waiting in the queue for one; null when the queue is full too.</summary>
    public async ValueTask<IDisposable?> EnterAsync(CancellationToken ct) => Acquired(await _limiter.AcquireAsync(1, ct));

    private static RateLimitLease? Acquired(RateLimitLease lease)
    {
        if (lease.IsAcquired)
        {
            return lease;
        }
        lease.Dispose();
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Admission to <see cref="ScanGate"/> of a read the cost model could not see coming: a root count whose filter and grouping
/// no coarse rollup holds reads the detainer table, or the finest rollup (<c>DetainerCounts</c>, about a third as many rows as
/// detainers), and which of them answers is known only once the query is built, as the field resolves. On a store larger than
/// <see cref="CostModel.ScanRows"/> such a read takes a slot before it runs (unless the operation already holds one), so it
/// waits its turn with the other scans. Without it, at 1,000,000 generated detainers, 32 clients each asking
/// <c>detainerStats(groupBy: [STATE], where: { issuedOn: { gte: "2017-03-15" } })</c> (4 s alone; a day-level date bound
/// needs the table) ran all at once, and every one ended in the 30 s <c>TIMEOUT</c>.
/// </summary>
public static class ScanAdmission
{
    public static readonly string BusyMessage =
        "This field counts the detainers row by row (its filter or grouping is one no count rollup holds), and the server is " +
        $"running and queueing as many such reads as it allows; retry after {ScanGate.RetryAfterSeconds} s.";

    /// <summary>
    /// The admission of <paramref name="c"/>'s reads when it is a root field (<see cref="EnterAsync"/>), null for a nested one,
    /// which reaches its parent's rows by index. Decided now: a count called later (from <c>totalCount</c>'s resolver) finds
    /// the context reused by GraphQL.NET for another field.
    /// </summary>
    public static Func<CancellationToken, ValueTask>? ForRootField(IResolveFieldContext c) =>
        c.ParentType is { Name: "Query" } ? ct => EnterAsync(c, ct) : null;

    /// <summary>
    /// Waits for the operation's scan slot when the store is larger than <see cref="CostModel.ScanRows"/>; throws
    /// <c>SERVER_BUSY</c> when the gate's queue is full (that field fails; the others keep their data). Does nothing outside
    /// the HTTP endpoint (no <see cref="RequestCost"/>).
    /// </summary>
    private static async ValueTask EnterAsync(IResolveFieldContext c, CancellationToken ct)
    {
        if (c.RequestServices is not { } services || !c.UserContext.TryGetValue(RequestCost.Key, out var state) || state is not RequestCost cost
            || CostModel.ScanScale(services.GetRequiredService<StoreSize>().Detainers) <= 1)
        {
            return;
        }
        if (!await cost.EnterScanAsync(services.GetRequiredService<ScanGate>(), ct, running: true))
        {
            throw new ExecutionError(BusyMessage) { Code = ScanGate.BusyCode };
        }
    }
}
