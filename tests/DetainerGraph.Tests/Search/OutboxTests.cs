using System.Text;
using DetainerGraph.Cli;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Operability;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>The search outbox: written with the import, drained into the index, nothing lost in between.</summary>
public sealed class OutboxTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["Search:OutboxPollSeconds"] = "1" });

    public void Dispose() => _app.Dispose();

    private async Task<(long Index, int Database)> CountsAsync() =>
        (await _app.Services.GetRequiredService<IChargeSearch>().CountAsync(default), await _app.WithDbAsync(db => db.Charges.CountAsync()));

    [Fact]
    public async Task An_import_writes_its_outbox_row_and_leaves_it_drained()
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);

        var rows = await _app.WithDbAsync(db => db.SearchOutbox.ToListAsync());
        var row = Assert.Single(rows);
        Assert.NotNull(row.ProcessedAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(0, await _app.WithDbAsync(db => SearchOutbox.LagAsync(db, default)));
        var (index, database) = await CountsAsync();
        Assert.Equal(8, database);
        Assert.Equal(database, index);

        // Files without detainers owe the index nothing.
        await _app.ImportSampleFileAsync("ddor_reports.csv");
        Assert.Single(await _app.WithDbAsync(db => db.SearchOutbox.ToListAsync()));
    }

    [Fact]
    public async Task A_crash_between_commit_and_indexing_loses_nothing()
    {
        _app.Started();
        // The test holds the one-drain-at-a-time gate, so the outbox worker (polling every second in this app) cannot
        // drain the row between the commit and the lag check below.
        var gate = _app.Services.GetRequiredService<SearchOutboxSignal>().Gate;
        await gate.WaitAsync().WithinAsync("the outbox worker's first drain to finish");
        try
        {
            // The transaction commits the data and its outbox row; then the process "dies" before indexing.
            await using var scope = _app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var reference = scope.ServiceProvider.GetRequiredService<ReferenceData>();
            var parsed = new Importer(db, reference).Parse("filter.csv", Encoding.UTF8.GetBytes(FilterFixture.Detainers));
            await new ImportWriter(db, reference).WriteAsync(parsed, new string('a', 64), null, null, default);
            Assert.Equal(1, await _app.WithDbAsync(db => SearchOutbox.LagAsync(db, default)));
        }
        finally
        {
            gate.Release();
        }

        // Nothing wakes the worker: its own poll finds the owed row and indexes it (a bounded wait for a poll that will come).
        using var bound = new CancellationTokenSource(Bounded.Limit);
        while (await _app.WithDbAsync(db => SearchOutbox.LagAsync(db, default)) > 0)
        {
            await Task.Delay(100, bound.Token);
        }
        var counts = await CountsAsync();
        Assert.Equal(8, counts.Database);
        Assert.Equal(counts.Database, counts.Index);
        var data = await _app.DataAsync("{ searchCharges(query: \"cruelty toward wife\") { totalCount } }");
        Assert.Equal(1, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Reindex_rebuilds_into_a_new_folder_and_switches_to_it()
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
        // The registered search is composed once: the time limit around the instrumentation around Lucene.NET.
        var limited = Assert.IsType<TimeLimitedChargeSearch>(_app.Services.GetRequiredService<IChargeSearch>());
        var instrumented = Assert.IsType<InstrumentedChargeSearch>(limited.Inner);
        var lucene = Assert.IsType<LuceneChargeSearch>(instrumented.Inner);
        Assert.Same(lucene, _app.Services.SearchEngine());
        var before = lucene.CurrentFolder;

        Assert.Equal(0, await Commands.RunAsync(["reindex"], _app.Services));

        Assert.NotEqual(before, lucene.CurrentFolder);
        var (index, database) = await CountsAsync();
        Assert.Equal(database, index);
        var data = await _app.DataAsync("{ searchCharges(query: \"agg assault\") { nodes { charge { description } } } }");
        Assert.Equal("AGGRAV ASSLT - WEAPON", data.GetProperty("searchCharges").GetProperty("nodes")[0].GetProperty("charge").GetProperty("description").GetString());
    }
}
