using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DetainerGraph.Tests.Faults;

/// <summary>
/// SQLite under a concurrent import: while the <c>import</c> command writes a big file into the store a server is
/// reading, the server's reads keep answering (and see the file all or not at all), a second writer either waits
/// its turn or fails with a clear message and changes nothing, and the store is intact afterwards.
/// </summary>
public sealed class StoreBusyTests(ITestOutputHelper output) : IDisposable
{
    private const int BigDetainers = 20_000;
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(4);

    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["Search:OutboxPollSeconds"] = "1" },
        services: services =>
        {
            services.AddSingleton<TransactionStarts>();
            services.ConfigureDbContext<SqliteDetainerDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<TransactionStarts>()));
        });
    private readonly string _folder = BigFiles.TempFolder("store-busy");

    public void Dispose()
    {
        _app.Dispose();
        BigFiles.Delete(_folder);
    }

    /// <summary>The same two detainers under other keys: other bytes, so a new file.</summary>
    private static string OtherSmallFile(string prefix) =>
        SampleRows.Detainers.Replace("\na,", $"\n{prefix}a,", StringComparison.Ordinal).Replace("\nb,", $"\n{prefix}b,", StringComparison.Ordinal);

    [Fact]
    public async Task While_another_process_holds_the_write_lock_reads_answer_and_writers_wait_or_fail_clearly()
    {
        await _app.ImportAsync("small.csv", SampleRows.Detainers);
        var baseline = await DetainerCountAsync();
        var other = Path.Combine(_folder, "other.csv");
        BigFiles.Write(other, 50, seed: 9);
        var database = Path.Combine(_app.StorageDirectory, "detainers.db");

        // Another process's long write, held for as long as the test needs: SQLite's write lock, taken first.
        var locker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        await locker.OpenAsync();
        var transaction = locker.BeginTransaction(deferred: false);
        Task<global::DetainerGraph.Import.ImportResult> patient = Task.FromResult<global::DetainerGraph.Import.ImportResult>(null!);
        int impatientExit;
        string impatientErrors;
        var reads = new List<(int Count, string? Problem)>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The import command, told to wait one second at most for the lock, gives up cleanly.
            using (var impatient = ServerProcess.Start(_app.StorageDirectory, ["import", other],
                new Dictionary<string, string> { ["ConnectionStrings__Detainers"] = $"Data Source={database};Default Timeout=1" }))
            {
                impatientExit = await impatient.WaitAsync(CommandLimit);
                impatientErrors = impatient.Errors;
            }
            output.WriteLine($"impatient command done after {waited.Elapsed.TotalSeconds:F1} s");
            for (var i = 0; i < 10; i++)
            {
                reads.Add(await ReadAsync());
            }
            // A writer in the server waits for the lock (SQLite's busy timeout, 30 s by default); the lock goes
            // away a second later.
            // (Microsoft.Data.Sqlite waits for a lock by sleeping on the calling thread, so the import runs on its own.)
            // The lock is released once the writer has begun its transaction (SQLite's BEGIN IMMEDIATE, which waits for
            // the lock), not after some wall-clock time.
            var began = _app.Services.GetRequiredService<TransactionStarts>().Next();
            patient = Task.Run(() => _app.ImportAsync("patient.csv", OtherSmallFile("p")));
            await Task.WhenAny(began, patient).WithinAsync("the server's writer to begin its transaction");
            Assert.False(patient.IsCompleted, $"the server's writer finished while the lock was held: {patient.Exception}");
            output.WriteLine($"releasing the lock after {waited.Elapsed.TotalSeconds:F1} s; the server's writer is waiting");
        }
        finally
        {
            transaction.Rollback();
            await locker.DisposeAsync();
        }
        Exception? patientError = null;
        try
        {
            await patient;
        }
        catch (Exception e)
        {
            patientError = e;
        }
        output.WriteLine($"impatient command: exit {impatientExit}: {impatientErrors}");
        output.WriteLine($"server's writer: {patientError?.Message ?? "imported once the lock was released"}");
        output.WriteLine($"reads while locked: {string.Join(", ", reads.Select(r => r.Problem ?? r.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)))}");

        Assert.All(reads, r => Assert.Equal((baseline, (string?)null), r));
        Assert.Equal(3, impatientExit);
        Assert.Contains("busy", impatientErrors, StringComparison.Ordinal);
        // The server's writer waited for the lock and then wrote.
        Assert.Null(patientError);
        var patientRows = baseline;
        var state = await StoreState.ReadAsync(_app.StorageDirectory);
        Assert.Equal("ok", state.Integrity);
        // The refused imports wrote nothing; run again, the command imports.
        Assert.Equal(baseline + patientRows, state.Detainers);
        using (var again = ServerProcess.Start(_app.StorageDirectory, ["import", other]))
        {
            Assert.Equal(0, await again.WaitAsync(CommandLimit));
        }
        Assert.Equal(baseline + patientRows + 50, await DetainerCountAsync());
    }

    [Fact]
    public async Task Reads_during_a_concurrent_import_see_all_or_nothing_and_the_store_ends_intact_and_indexed()
    {
        await _app.ImportAsync("small.csv", SampleRows.Detainers);
        var baseline = await DetainerCountAsync();
        var big = Path.Combine(_folder, "big.csv");
        BigFiles.Write(big, BigDetainers, seed: 8);

        using var import = ServerProcess.Start(_app.StorageDirectory, ["import", big]);
        // Reads start at once: through the migration check, the parse, the writes, the commit and the indexing.
        var reads = 0;
        var counts = new SortedSet<int>();
        Task<global::DetainerGraph.Import.ImportResult>? patient = null;
        while (!import.HasExited)
        {
            var (count, problem) = await ReadAsync();
            Assert.True(problem is null, $"read {reads} during the import: {problem}");
            counts.Add(count);
            reads++;
            // A write from the server while the command is under way.
            if (reads == 5)
            {
                var waited = System.Diagnostics.Stopwatch.StartNew();
                patient = _app.ImportAsync("patient.csv", OtherSmallFile("p"));
                _ = patient.ContinueWith(_ => output.WriteLine($"server's writer finished after {waited.Elapsed.TotalSeconds:F1} s"), TaskScheduler.Default);
            }
        }
        var exit = await import.WaitAsync(CommandLimit);
        Exception? patientError = null;
        try
        {
            await (patient ?? Task.FromResult<global::DetainerGraph.Import.ImportResult>(null!));
        }
        catch (Exception e)
        {
            patientError = e;
        }
        output.WriteLine($"{reads} reads during the import saw detainer counts {string.Join(", ", counts)} (baseline {baseline}); import exit {exit}");
        output.WriteLine($"server's writer: {(patient is null ? "not started" : patientError is null ? "imported" : patientError.Message)}");

        Assert.Equal(0, exit);
        Assert.True(patientError is null || StoreBusy.Is(patientError), $"the server's writer failed otherwise: {patientError}");
        var patientRows = patient is not null && patientError is null ? baseline : 0;
        // Never a part of the big file: only whole files appear.
        Assert.All(counts, c => Assert.Contains(c, (int[])[baseline, baseline + patientRows, baseline + BigDetainers, baseline + BigDetainers + patientRows]));
        var state = await StoreState.ReadAsync(_app.StorageDirectory);
        output.WriteLine($"after: {state}");
        Assert.Equal("ok", state.Integrity);
        Assert.Equal(baseline + patientRows + BigDetainers, state.Detainers);

        // The command cannot write the index the server holds; the server's outbox worker indexes what it left.
        var search = _app.Services.GetRequiredService<IChargeSearch>();
        // A bounded wait for the worker's poll, which will come; not a measure of its speed.
        using (var bound = new CancellationTokenSource(Bounded.Limit))
        {
            while (await search.CountAsync(CancellationToken.None) != state.Charges)
            {
                await Task.Delay(100, bound.Token);
            }
        }
        Assert.Equal(state.Charges, await search.CountAsync(CancellationToken.None));
    }

    private async Task<int> DetainerCountAsync() =>
        (await _app.DataAsync("{ detainers(includeSynthetic: true) { totalCount } }")).GetProperty("detainers").GetProperty("totalCount").GetInt32();

    /// <summary>One read through HTTP; returns the detainer count, or what was wrong with the answer.</summary>
    private async Task<(int Count, string? Problem)> ReadAsync()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/graphql", new StringContent(
            """{"query":"{ detainers(includeSynthetic: true) { totalCount } weeks { totalCount } detainerStats(groupBy: [OUTCOME], includeSynthetic: true) { count } }"}""",
            System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return (0, $"HTTP {(int)response.StatusCode}: {text}");
        }
        var body = JsonDocument.Parse(text).RootElement;
        if (body.TryGetProperty("errors", out var errors))
        {
            return (0, errors.ToString());
        }
        return (body.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32(), null);
    }
}

/// <summary>Signals when the next database transaction begins (after <see cref="Next"/>), before SQLite takes its lock.</summary>
public sealed class TransactionStarts : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
{
    private TaskCompletionSource? _next;

    /// <summary>Completes when the next transaction begins.</summary>
    public Task Next()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _next, next);
        return next.Task;
    }

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(
        System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.TransactionStartingEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _next, null)?.TrySetResult();
        return ValueTask.FromResult(result);
    }

    public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbTransaction> TransactionStarting(
        System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.TransactionStartingEventData eventData,
        Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbTransaction> result)
    {
        Interlocked.Exchange(ref _next, null)?.TrySetResult();
        return result;
    }
}
