using DetainerGraph.Data;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// A rebuild loses nothing indexed while it runs: such writes reached the old index (on Elasticsearch, through
/// the alias), so their outbox rows are owed again once the new index is in place, even when the rebuild is stopped then.
/// </summary>
public sealed class RebuildReplayTests : IDisposable
{
    // The worker polls hourly here: the re-owed row must still be owed when the test looks.
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["Search:OutboxPollSeconds"] = "3600" });

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Writes_indexed_while_a_rebuild_runs_are_owed_again_after_it_and_earlier_ones_are_not(bool stoppedAsItGoesLive)
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
        var detainer = await _app.WithDbAsync(db => db.Detainers.Select(d => d.Id).FirstAsync());
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var before = await db.SearchOutbox.SingleAsync();
        Assert.NotNull(before.ProcessedAt);

        // Another process corrects a detainer and indexes it into the old index once the rebuild has started.
        var engine = new FakeSearchEngine
        {
            OnRebuild = () => _app.WithDbAsync(async other =>
            {
                other.SearchOutbox.Add(new SearchOutboxEntry { DetainerId = detainer, CreatedAt = DateTimeOffset.UtcNow, ProcessedAt = DateTimeOffset.UtcNow, Attempts = 1 });
                return await other.SaveChangesAsync();
            }),
        };
        // Stopped (Ctrl+C on reindex) once the new index is live: the writes made meanwhile are still owed again.
        using var stop = new CancellationTokenSource();
        if (stoppedAsItGoesLive)
        {
            engine.OnRebuilt = stop.Cancel;
        }
        using var signal = new SearchOutboxSignal();
        await new SearchOutbox(engine, signal, NullLogger<SearchOutbox>.Instance).RebuildAsync(db, stop.Token);

        var rows = await db.SearchOutbox.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.NotNull(rows[0].ProcessedAt);
        Assert.Null(rows[1].ProcessedAt);
        Assert.Equal(1, await SearchOutbox.LagAsync(db, default));
        Assert.True(engine.Rebuilt > 0);
    }
}
