using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// EF Core keeps its compiled queries in a cache of <c>Database:CompiledQueryCacheSize</c> entries (QueryCompilationCache),
/// not in its default one of about 1,000: thousands of distinct query shapes from one client grew the server by hundreds
/// of MB (BENCHMARKS.md, "Distinct query shapes").
/// </summary>
public sealed class CompiledQueryCacheTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["Database:CompiledQueryCacheSize"] = "8" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_request_context_compiles_into_the_bounded_cache_of_the_configured_size()
    {
        var cache = _app.Started().GetRequiredService<QueryCompilationCache>();
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();

        var core = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!;

        Assert.Same(cache.Cache, core.MemoryCache);
        Assert.Equal(8, cache.Capacity);
    }

    [Fact]
    public async Task More_distinct_queries_than_the_bound_leave_at_most_that_many_entries_and_still_answer()
    {
        var cache = _app.Started().GetRequiredService<QueryCompilationCache>();
        var counts = new List<int>();
        for (var shape = 1; shape <= 40; shape++)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            // A different statement shape each time: one more condition (its value a parameter, as in the filters).
            var query = db.Detainers.AsQueryable();
            for (var i = 0; i < shape; i++)
            {
                var id = -i;
                query = query.Where(d => d.Id != id);
            }
            Assert.Equal(0, await query.CountAsync());
            counts.Add(cache.Count);
        }

        // The compiled queries and their SQL templates (and the model, which EF Core may keep there too): never more
        // than the bound, while EF Core's default cache would hold all 40 shapes.
        Assert.All(counts, count => Assert.InRange(count, 1, cache.Capacity + 1));
        Assert.True(counts.Max() >= cache.Capacity / 2, $"the cache should fill up to its bound; it held at most {counts.Max()}");
    }

    [Fact]
    public void Hosts_of_one_process_share_the_cache_of_their_size_so_ef_core_builds_its_services_once()
    {
        // A cache per host made EF Core build its internal services again for every host; past twenty it refuses
        // (ManyServiceProvidersCreatedWarning), which failed every later test of a run.
        using var other = new TestApp(settings: new Dictionary<string, string?> { ["Database:CompiledQueryCacheSize"] = "8" });
        Assert.Same(_app.Started().GetRequiredService<QueryCompilationCache>(), other.Started().GetRequiredService<QueryCompilationCache>());
        Assert.Same(QueryCompilationCache.For(8), QueryCompilationCache.For(8));
        Assert.NotSame(QueryCompilationCache.For(8), QueryCompilationCache.For(9));
    }

    [Fact]
    public void The_default_is_256_and_a_size_below_1_is_refused()
    {
        var options = DataServiceExtensions.ReadStorageOptions(new ConfigurationBuilder().Build());

        Assert.Equal(256, options.CompiledQueryCacheSize);
        Assert.Equal(QueryCompilationCache.DefaultCapacity, options.CompiledQueryCacheSize);
        var refused = Assert.Throws<InvalidOperationException>(() => QueryCompilationCache.For(0));
        Assert.Contains("Database:CompiledQueryCacheSize", refused.Message, StringComparison.Ordinal);
    }
}
