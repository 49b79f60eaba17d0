using System.Linq.Expressions;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// EF Core keeps its compiled queries in a cache of <c>Database:CompiledQueryCacheSize</c> entries (QueryCompilationCache)
/// that admits a shape when it is compiled a second time: thousands of distinct query shapes from one client grew EF Core's
/// own cache by hundreds of MB, and a bound without admission made a front end's few hundred repeated shapes compile again
/// and again (BENCHMARKS.md, "Distinct query shapes").
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
    public async Task More_repeated_shapes_than_the_bound_leave_at_most_that_many_entries_and_still_answer()
    {
        var cache = _app.Started().GetRequiredService<QueryCompilationCache>();
        var counts = new List<int>();
        for (var shape = 1; shape <= 40; shape++)
        {
            // Each shape twice: the second compilation is the one admitted.
            for (var time = 0; time < 2; time++)
            {
                Assert.Equal(0, await CountAsync(_app, shape));
                counts.Add(cache.Count);
            }
        }

        // The compiled queries and their SQL templates (and the models, which EF Core keeps there too): never more than
        // the bound, while EF Core's default cache would hold all 40 shapes.
        Assert.All(counts, count => Assert.InRange(count, 1, cache.Capacity + 2));
        Assert.True(counts.Max() >= cache.Capacity / 2, $"the cache should fill up to its bound; it held at most {counts.Max()}");
    }

    [Fact]
    public async Task A_shape_is_kept_from_its_second_compilation_and_shapes_asked_once_are_not_kept()
    {
        // A cache of its own (one per size in the process), which no other test fills.
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["Database:CompiledQueryCacheSize"] = "64" });
        var cache = app.Started().GetRequiredService<QueryCompilationCache>();
        await CountAsync(app, 1);
        var before = cache.Count;

        // Asked once each: compiled, answered, not kept.
        for (var shape = 2; shape <= 10; shape++)
        {
            Assert.Equal(0, await CountAsync(app, shape));
        }
        Assert.Equal(before, cache.Count);

        // A second time: its compiled query is kept; a third, the SQL command template the kept query made on its second
        // run; then nothing more, however often it is asked.
        await CountAsync(app, 2);
        Assert.Equal(before + 1, cache.Count);
        await CountAsync(app, 2);
        Assert.Equal(before + 2, cache.Count);
        for (var time = 0; time < 5; time++)
        {
            Assert.Equal(0, await CountAsync(app, 2));
        }
        Assert.Equal(before + 2, cache.Count);
    }

    /// <summary>
    /// A different statement shape for each <paramref name="shape"/>: that many conditions, their values constants of the
    /// statement (a captured local would be a parameter whose name EF Core numbers per compilation).
    /// </summary>
    private static async Task<int> CountAsync(TestApp app, int shape)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var query = db.Detainers.AsQueryable();
        var detainer = Expression.Parameter(typeof(Detainer), "d");
        for (var i = 0; i < shape; i++)
        {
            var condition = Expression.NotEqual(
                Expression.Property(detainer, nameof(Detainer.Id)), Expression.Constant((long)-i));
            query = query.Where(Expression.Lambda<Func<Detainer, bool>>(condition, detainer));
        }
        return await query.CountAsync();
    }

    [Fact]
    public async Task The_largest_capacity_still_keeps_a_repeated_shape()
    {
        // The memory of shapes seen once is sized from the capacity: int.MaxValue must not overflow it into forgetting every shape.
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["Database:CompiledQueryCacheSize"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var cache = app.Started().GetRequiredService<QueryCompilationCache>();
        await CountAsync(app, 3);
        var before = cache.Count;

        // Another shape between the two: an overflowed memory of one shape at most would forget the first.
        await CountAsync(app, 4);
        await CountAsync(app, 3);

        Assert.Equal(before + 1, cache.Count);
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
    public void The_default_is_1024_and_a_size_below_1_is_refused()
    {
        var options = DataServiceExtensions.ReadStorageOptions(new ConfigurationBuilder().Build());

        Assert.Equal(1024, options.CompiledQueryCacheSize);
        Assert.Equal(QueryCompilationCache.DefaultCapacity, options.CompiledQueryCacheSize);
        var refused = Assert.Throws<InvalidOperationException>(() => QueryCompilationCache.For(0));
        Assert.Contains("Database:CompiledQueryCacheSize", refused.Message, StringComparison.Ordinal);
    }
}
