using System.Runtime.CompilerServices;
using DetainerGraph.Data;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The embedded index's folders (<c>Storage:Directory/search/index-*</c>): a rebuild leaves only the live one, whoever
/// opened what before it; a rebuild beside a server that holds the index changes nothing the server reads; a failed or
/// stopped rebuild leaves the live index and takes its own partial folder with it.
/// </summary>
public sealed class ReindexFolderTests : IDisposable
{
    private const string Query = "{ searchCharges(query: \"assault\", first: 3) { totalCount nodes { charge { description } } } }";
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(3);

    private readonly string _files = Directory.CreateTempSubdirectory("detainergraph-reindex").FullName;

    public void Dispose() => Directory.Delete(_files, recursive: true);

    private static string[] IndexFolders(string storage) =>
        [.. Directory.GetDirectories(Path.Combine(storage, "search"), "index-*").Select(Path.GetFileName).Order().Cast<string>()];

    private static string Live(string storage) => File.ReadAllText(Path.Combine(storage, "search", "current")).Trim();

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string storage, params string[] args)
    {
        using var command = ServerProcess.Start(storage, args);
        var exit = await command.WaitAsync(CommandLimit);
        return (exit, command.Output, command.Errors);
    }

    [Fact]
    public async Task Two_reindex_commands_in_a_row_leave_only_the_live_folder_and_remove_what_earlier_runs_left()
    {
        var storage = Path.Combine(_files, "store");
        var file = Path.Combine(_files, "filter.csv");
        File.WriteAllText(file, FilterFixture.Detainers);
        var import = await RunAsync(storage, "import", file);
        Assert.True(import.Exit == 0, import.Errors);
        // What a rebuild killed part-way left: a folder the pointer never named.
        var crashed = Path.Combine(storage, "search", "index-20200101000000000");
        Directory.CreateDirectory(crashed);
        File.WriteAllBytes(Path.Combine(crashed, "_0.fdt"), new byte[4096]);

        var first = await RunAsync(storage, "reindex");
        Assert.True(first.Exit == 0, first.Errors);
        var second = await RunAsync(storage, "reindex");
        Assert.True(second.Exit == 0, second.Errors);

        Assert.Equal([Live(storage)], IndexFolders(storage));
        Assert.Contains("search index rebuilt: 8 charges", second.Output, StringComparison.Ordinal);
        // The live folder, opened afresh, holds every charge.
        using var engine = new LuceneChargeSearch(new StorageOptions { Directory = storage, ConnectionString = "" },
            Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName), NullLogger<LuceneChargeSearch>.Instance);
        Assert.Equal(8, await engine.CountAsync(default));
    }

    [Fact]
    public async Task A_reindex_beside_a_server_holding_the_index_changes_nothing_and_the_server_answers_as_before()
    {
        using var app = new TestApp();
        await app.ImportAsync("filter.csv", FilterFixture.Detainers);
        var before = (await app.DataAsync(Query)).GetRawText();
        var folders = IndexFolders(app.StorageDirectory);
        var live = Live(app.StorageDirectory);

        // The server searches all the while the command runs.
        using var stop = new CancellationTokenSource();
        var searches = Task.Run(async () =>
        {
            var answers = new List<string>();
            while (!stop.IsCancellationRequested || answers.Count == 0)
            {
                answers.Add((await app.DataAsync(Query)).GetRawText());
            }
            return answers;
        });
        var (exit, _, errors) = await RunAsync(app.StorageDirectory, "reindex");
        await stop.CancelAsync();

        Assert.True(exit == 3, $"exit {exit}: {errors}");
        Assert.Contains("the search index is held by another process", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", errors, StringComparison.Ordinal);
        Assert.All(await searches.WithinAsync("the searches beside the command"), answer => Assert.Equal(before, answer));
        Assert.Equal(folders, IndexFolders(app.StorageDirectory));
        Assert.Equal(live, Live(app.StorageDirectory));
        Assert.Equal(before, (await app.DataAsync(Query)).GetRawText());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_or_stopped_rebuild_keeps_the_live_index_and_deletes_its_own_partial_folder(bool stopped)
    {
        using var app = new TestApp();
        await app.ImportAsync("filter.csv", FilterFixture.Detainers);
        var before = (await app.DataAsync(Query)).GetRawText();
        var folders = IndexFolders(app.StorageDirectory);
        var documents = await app.WithDbAsync(db => ChargeDocuments.Of(db.Charges.OrderBy(c => c.Id)).ToListAsync());
        var engine = app.Services.GetRequiredService<IChargeSearch>();
        using var stop = new CancellationTokenSource();
        var partial = 0;

        async IAsyncEnumerable<ChargeDocument> BreakingPartWay([EnumeratorCancellation] CancellationToken ct = default)
        {
            foreach (var document in documents.Take(3))
            {
                yield return document;
            }
            await Task.Yield();
            // The rebuild's own folder is there by now, beside the live one.
            partial = IndexFolders(app.StorageDirectory).Length - folders.Length;
            if (stopped)
            {
                await stop.CancelAsync();
                ct.ThrowIfCancellationRequested();
            }
            throw new IOException("the database went away");
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => engine.RebuildAsync(BreakingPartWay(), stop.Token));

        Assert.Equal(stopped, failure is OperationCanceledException);
        Assert.Equal(1, partial);
        Assert.Equal(folders, IndexFolders(app.StorageDirectory));
        Assert.Equal(before, (await app.DataAsync(Query)).GetRawText());
    }
}
