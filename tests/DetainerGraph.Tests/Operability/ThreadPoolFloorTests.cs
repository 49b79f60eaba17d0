using DetainerGraph.Operability;
using Microsoft.Extensions.Configuration;

namespace DetainerGraph.Tests.Operability;

/// <summary>
/// Hostile-input wave 22: the server raises the thread pool's floor of worker threads before it listens, since a SQLite
/// statement holds its pool thread until it ends. With the runtime's floor (one per core), twenty slow requests from
/// twenty clients left a cheap query waiting 11.8 s for a thread on 2 cores, and timed-out requests were answered 11 s
/// late. The floor is raised, never lowered: an operator's higher one stays.
/// </summary>
[Collection(nameof(ThreadPoolFloorRunsAlone))]
public sealed class ThreadPoolFloorTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static int Workers()
    {
        ThreadPool.GetMinThreads(out var workers, out _);
        return workers;
    }

    /// <summary>Runs <paramref name="test"/> from the runtime's floor of <paramref name="start"/> workers, and puts the process's floor back.</summary>
    private static void From(int start, Action test)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        try
        {
            Assert.True(ThreadPool.SetMinThreads(start, completionPorts));
            test();
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, completionPorts);
        }
    }

    [Fact]
    public void Serving_raises_the_floor_to_64_workers_by_default() =>
        From(Environment.ProcessorCount, () =>
        {
            ThreadPoolFloor.Apply(Settings());

            Assert.Equal(Math.Max(Environment.ProcessorCount, ThreadPoolFloor.DefaultMinWorkerThreads), Workers());
        });

    [Fact]
    public void The_floor_is_a_setting() =>
        From(Environment.ProcessorCount, () =>
        {
            ThreadPoolFloor.Apply(Settings(("Hosting:MinWorkerThreads", "100")));

            Assert.Equal(Math.Max(Environment.ProcessorCount, 100), Workers());
        });

    [Fact]
    public void A_higher_floor_the_operator_set_is_left_alone() =>
        From(200, () =>
        {
            ThreadPoolFloor.Apply(Settings());

            Assert.Equal(200, Workers());
        });

    [Fact]
    public void The_shipped_settings_name_the_floor()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        Assert.Equal(ThreadPoolFloor.DefaultMinWorkerThreads.ToString(System.Globalization.CultureInfo.InvariantCulture), shipped["Hosting:MinWorkerThreads"]);
    }
}

/// <summary>The thread pool's floor is the process's: these tests run alone, not beside tests that need threads.</summary>
[CollectionDefinition(nameof(ThreadPoolFloorRunsAlone), DisableParallelization = true)]
public sealed class ThreadPoolFloorRunsAlone;
