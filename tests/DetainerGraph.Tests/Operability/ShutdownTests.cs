using DetainerGraph.Data;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DetainerGraph.Tests.Operability;

public sealed class ShutdownTests
{
    [Fact]
    public void The_shutdown_timeout_is_30_seconds_unless_configured()
    {
        using var byDefault = new TestApp();
        using var configured = new TestApp(settings: new Dictionary<string, string?> { ["Hosting:ShutdownTimeout"] = "00:00:07" });

        Assert.Equal(TimeSpan.FromSeconds(30), byDefault.Started().GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), configured.Started().GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Stopping_the_host_ends_the_outbox_worker_cleanly()
    {
        using var app = new TestApp();
        var services = app.Started();
        var worker = Assert.Single(services.GetServices<IHostedService>().OfType<SearchOutboxWorker>());
        await app.ImportAsync("section2.csv", SampleRows.SectionTwo);
        // The worker loops until stopped: it is waiting for work now, not finished.
        Assert.NotNull(worker.ExecuteTask);
        Assert.False(worker.ExecuteTask.IsCompleted);

        await services.GetRequiredService<IHost>().StopAsync();

        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully, worker.ExecuteTask.Exception?.ToString());
    }

    [Fact]
    public async Task Stopping_the_host_while_the_worker_indexes_cancels_the_indexing_and_leaves_the_import_owed()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["Search:OutboxPollSeconds"] = "3600" });
        // An engine whose indexing, once it hangs, waits until it is cancelled.
        var search = new FakeSearchEngine { FaultOn = FakeSearchEngine.Calls.Index };
        using var host = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.UseSearchEngine(search)));
        var services = host.Services;
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DetainerGraph.Import.Importer>()
                .ImportAsync("section2.csv", System.Text.Encoding.UTF8.GetBytes(SampleRows.SectionTwo));
        }
        var worker = Assert.Single(services.GetServices<IHostedService>().OfType<SearchOutboxWorker>());

        // Owe that import again and wake the worker: it starts indexing and blocks inside the engine.
        search.Mode = FakeSearchEngine.Fault.Hangs;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var source = await db.Sources.FirstAsync();
            db.SearchOutbox.Add(new SearchOutboxEntry { SourceId = source.Id, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        services.GetRequiredService<SearchOutboxSignal>().Wake();
        await search.Entered.WithinAsync("the worker to hang inside the engine");
        // The store is read after the stop through a context opened before it: once the host has stopped, the app
        // disposes its services, so a scope asked for afterwards may find them gone.
        await using var check = services.CreateAsyncScope();
        var checkDb = check.ServiceProvider.GetRequiredService<DetainerDbContext>();
        Assert.Equal(1, await DetainerGraph.Search.SearchOutbox.LagAsync(checkDb, CancellationToken.None));

        await services.GetRequiredService<IHost>().StopAsync();

        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully, worker.ExecuteTask.Exception?.ToString());
        Assert.True(search.Cancelled.IsCompleted);
        Assert.Equal(1, await DetainerGraph.Search.SearchOutbox.LagAsync(checkDb, CancellationToken.None));
    }
}
