using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Search;

/// <summary>
/// Keeps the search index in step with the database. After an import commits, its charges are indexed
/// (<see cref="IndexSourceAsync"/>); if the process died in between, <see cref="CatchUpAsync"/> finds the
/// index short at the next start and rebuilds it. Indexing is idempotent: documents are keyed by charge id.
/// </summary>
public sealed partial class ChargeIndexing(IChargeSearch search, ILogger<ChargeIndexing> logger)
{
    private const int BatchSize = 5_000;

    /// <summary>The search documents of the database, read in one query with their detainer and jurisdiction.</summary>
    public static IQueryable<ChargeDocument> Documents(IQueryable<Charge> charges) =>
        charges.AsNoTracking().Select(c => new ChargeDocument(
            c.Id,
            c.DetainerId,
            c.Description,
            c.NcicCode,
            c.Category,
            c.Status,
            c.Detainer.Jurisdiction != null ? c.Detainer.Jurisdiction.State : c.Detainer.Facility != null ? c.Detainer.Facility.State : null,
            c.Detainer.JurisdictionId,
            c.Detainer.Jurisdiction != null ? c.Detainer.Jurisdiction.Name : null,
            c.Detainer.WeekStart,
            c.Detainer.Outcome,
            c.Detainer.DetainerType,
            c.Detainer.Citizenship,
            c.Detainer.IssuedOn));

    /// <summary>Indexes the charges one imported source wrote.</summary>
    public async Task IndexSourceAsync(DetainerDbContext db, int sourceId, CancellationToken ct)
    {
        var lastId = 0L;
        while (true)
        {
            var batch = await Documents(db.Charges.Where(c => c.Detainer.SourceId == sourceId && c.Id > lastId).OrderBy(c => c.Id).Take(BatchSize))
                .ToListAsync(ct);
            if (batch.Count == 0)
            {
                return;
            }
            await search.IndexAsync(batch, ct);
            lastId = batch[^1].ChargeId;
        }
    }

    /// <summary>Rebuilds the whole index from the database, swapping it in when complete.</summary>
    public async Task RebuildAsync(DetainerDbContext db, CancellationToken ct)
    {
        await search.RebuildAsync(Documents(db.Charges.OrderBy(c => c.Id)).AsAsyncEnumerable(), ct);
    }

    /// <summary>Rebuilds when the index and the database disagree on the number of charges; returns whether it did.</summary>
    public async Task<bool> CatchUpAsync(DetainerDbContext db, CancellationToken ct)
    {
        var charges = await db.Charges.LongCountAsync(ct);
        var indexed = await search.CountAsync(ct);
        if (charges == indexed)
        {
            return false;
        }
        LogCatchingUp(logger, indexed, charges);
        await RebuildAsync(db, ct);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index holds {Indexed} charges, the database {Charges}: rebuilding it")]
    private static partial void LogCatchingUp(ILogger logger, long indexed, long charges);
}

/// <summary>At start, brings the index level with the database (for example after a crash between an import's commit and its indexing).</summary>
public sealed partial class SearchCatchUpService(IServiceScopeFactory scopes, ILogger<SearchCatchUpService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ChargeIndexing>()
                .CatchUpAsync(scope.ServiceProvider.GetRequiredService<DetainerDbContext>(), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed catch-up must not stop the server: search reports itself unavailable instead.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Search index catch-up failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
