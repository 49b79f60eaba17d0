using DetainerGraph.Data;

namespace DetainerGraph.Search;

/// <summary>Wakes the outbox worker early (after an import in this process) and keeps one drain at a time per process.</summary>
public sealed class SearchOutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _wake.Dispose();
        Gate.Dispose();
    }
}

/// <summary>
/// Drains the search outbox into the engine: at start (catching up on whatever a crash or another process
/// such as the <c>import</c> command left owed), when woken after an import, and every
/// <c>Search:OutboxPollSeconds</c> (5). A failed row is retried with a growing delay, up to a minute.
/// At start it also rebuilds the index if its document count differs from the database's.
/// </summary>
public sealed partial class SearchOutboxWorker(IServiceScopeFactory scopes, SearchOutboxSignal signal, IConfiguration configuration, ILogger<SearchOutboxWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Search:OutboxPollSeconds", 5)));
        var failures = 0;
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var outbox = scope.ServiceProvider.GetRequiredService<SearchOutbox>();
                var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
                await outbox.DrainAsync(db, stoppingToken);
                if (first)
                {
                    await outbox.CatchUpAsync(db, stoppingToken);
                    first = false;
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker must outlive any one failure: it logs, backs off and retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                LogFailed(logger, failures, e);
            }
            var delay = failures == 0 ? poll : TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures)));
            try
            {
                await signal.WaitAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Draining the search outbox failed ({Failures} in a row); retrying")]
    private static partial void LogFailed(ILogger logger, int failures, Exception exception);
}
