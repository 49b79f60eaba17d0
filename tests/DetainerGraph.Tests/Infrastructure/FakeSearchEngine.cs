using DetainerGraph.Search;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// The test project's one fake search engine. Alone it is an empty index that claims <see cref="Documents"/>
/// charges; in front of the real engine (<see cref="SearchEngineServices.PutInFrontOfSearchEngine"/>) it passes
/// every call on. Either way it can be down, hang until cancelled or start late, on the calls <see cref="FaultOn"/>
/// names, and it records what reached it. It stands where the app composes its engine, so the app's
/// instrumentation and time limit wrap it as they wrap Lucene or Elasticsearch.
/// </summary>
public sealed class FakeSearchEngine(IChargeSearch? inner = null) : IChargeSearch, IDisposable
{
    public const string DownMessage = "The search engine is down (test).";

    public enum Fault
    {
        None,
        /// <summary>Every call fails as an engine would (<see cref="SearchUnavailableException"/>).</summary>
        Down,
        /// <summary>Every call waits until cancelled.</summary>
        Hangs,
    }

    [Flags]
    public enum Calls
    {
        Index = 1,
        Delete = 2,
        Rebuild = 4,
        Search = 8,
        Count = 16,
        All = Index | Delete | Rebuild | Search | Count,
    }

    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _searches;
    private int _hung;
    private int _stopped;
    private int _completed;
    private int _completedCancelled;

    public static FakeSearchEngine Down() => new() { Mode = Fault.Down };

    public static FakeSearchEngine Holding(long documents) => new() { Documents = documents };

    public Fault Mode { get; set; }

    public Calls FaultOn { get; set; } = Calls.All;

    /// <summary>Awaited when a watched search reaches the engine, before it starts, ignoring cancellation meanwhile (a search that starts late).</summary>
    public Func<Task>? BeforeSearch { get; set; }

    /// <summary>
    /// The searches <see cref="BeforeSearch"/>, <see cref="Stopped"/> and <see cref="Completed"/> concern (all by default):
    /// the app's own background searches (the search outbox's count check at start) pass the engine too.
    /// </summary>
    public Func<ChargeSearchRequest, bool> Watches { get; set; } = _ => true;

    /// <summary>What <see cref="CountAsync"/> answers without a real engine behind.</summary>
    public long Documents { get; set; }

    /// <summary>Runs when a rebuild starts, before it reads its documents (another writer acting meanwhile).</summary>
    public Func<Task>? OnRebuild { get; set; }

    /// <summary>Runs when a rebuild has read its documents and its index is live (a stop arriving just then).</summary>
    public Action? OnRebuilt { get; set; }

    /// <summary>Searches that reached the engine.</summary>
    public int Searches => _searches;

    /// <summary>Calls that began to hang.</summary>
    public int Hung => _hung;

    /// <summary>Searches stopped by cancellation once they had started (after <see cref="BeforeSearch"/>).</summary>
    public int Stopped => _stopped;

    /// <summary>Searches that answered.</summary>
    public int Completed => _completed;

    /// <summary>
    /// Watched searches that answered although their token was already cancelled when they left <see cref="BeforeSearch"/>:
    /// engine work no one waits for, which cancellation should have stopped.
    /// </summary>
    public int CompletedAfterCancellation => _completedCancelled;

    /// <summary>The documents the last rebuild read.</summary>
    public int Rebuilt { get; private set; }

    /// <summary>Completes when the first call begins to hang.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Completes when a hanging call is cancelled.</summary>
    public Task Cancelled => _cancelled.Task;

    public async Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct)
    {
        await FaultAsync(Calls.Index, ct);
        if (inner is not null)
        {
            await inner.IndexAsync(documents, ct);
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct)
    {
        await FaultAsync(Calls.Delete, ct);
        if (inner is not null)
        {
            await inner.DeleteAsync(chargeIds, ct);
        }
    }

    public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct)
    {
        await FaultAsync(Calls.Rebuild, ct);
        if (OnRebuild is not null)
        {
            await OnRebuild();
        }
        if (inner is not null)
        {
            await inner.RebuildAsync(documents, ct);
        }
        else
        {
            Rebuilt = 0;
            await foreach (var _ in documents.WithCancellation(ct))
            {
                Rebuilt++;
            }
        }
        OnRebuilt?.Invoke();
    }

    public async Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _searches);
        var watched = Watches(request);
        if (watched && BeforeSearch is not null)
        {
            await BeforeSearch();
        }
        await FaultAsync(Calls.Search, ct);
        var cancelledAtStart = ct.IsCancellationRequested;
        try
        {
            var result = inner is null ? new ChargeSearchResult(0, [], [], null) : await inner.SearchAsync(request, ct);
            if (watched)
            {
                Interlocked.Increment(ref _completed);
                if (cancelledAtStart)
                {
                    Interlocked.Increment(ref _completedCancelled);
                }
            }
            return result;
        }
        catch (OperationCanceledException) when (watched)
        {
            Interlocked.Increment(ref _stopped);
            throw;
        }
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await FaultAsync(Calls.Count, ct);
        return inner is null ? Documents : await inner.CountAsync(ct);
    }

    // Alone it holds nothing built by other rules, so it is current.
    public Task<bool> IsAnalysisCurrentAsync(CancellationToken ct) =>
        inner is null ? Task.FromResult(true) : inner.IsAnalysisCurrentAsync(ct);

    // Put in front of an engine the container made, this is what the container disposes.
    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task FaultAsync(Calls call, CancellationToken ct)
    {
        if (!FaultOn.HasFlag(call))
        {
            return;
        }
        switch (Mode)
        {
            case Fault.Down:
                throw new SearchUnavailableException(DownMessage);
            case Fault.Hangs:
                Interlocked.Increment(ref _hung);
                _entered.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    _cancelled.TrySetResult();
                    throw;
                }
                break;
        }
    }
}

/// <summary>Where tests put <see cref="FakeSearchEngine"/>: in place of the engine, beneath the app's instrumentation and time limit.</summary>
public static class SearchEngineServices
{
    /// <summary>Serves <paramref name="engine"/> as the app's search engine.</summary>
    public static IServiceCollection UseSearchEngine(this IServiceCollection services, IChargeSearch engine) =>
        services.AddKeyedSingleton(SearchServiceExtensions.Engine, engine);

    /// <summary>Puts <paramref name="front"/> of the configured engine (say, a fake that can fail) in its place.</summary>
    public static IServiceCollection PutInFrontOfSearchEngine(this IServiceCollection services, Func<IChargeSearch, IChargeSearch> front)
    {
        var original = services.Last(d => d.ServiceType == typeof(IChargeSearch) && Equals(d.ServiceKey, SearchServiceExtensions.Engine));
        services.Remove(original);
        return services.AddKeyedSingleton<IChargeSearch>(SearchServiceExtensions.Engine,
            (sp, key) => front((IChargeSearch)original.KeyedImplementationFactory!(sp, key)));
    }

    /// <summary>The bare engine the app serves (Lucene here), beneath instrumentation and the time limit.</summary>
    public static IChargeSearch SearchEngine(this IServiceProvider services) =>
        services.GetRequiredKeyedService<IChargeSearch>(SearchServiceExtensions.Engine);
}
