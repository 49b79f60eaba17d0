using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Faults;

/// <summary>The command line as a child process: <c>dotnet DetainerGraph.dll ARGS</c>, over a given storage folder.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Func<string, bool>? _watchFor;
    private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(string storageDirectory, IReadOnlyDictionary<string, string>? environment, Func<string, bool>? watchFor, string[] args)
    {
        _watchFor = watchFor;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DetainerGraph.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Storage__Directory"] = storageDirectory;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data, _output);
        _process.ErrorDataReceived += (_, e) => Received(e.Data, _errors);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static CliProcess Start(string storageDirectory, string[] args, IReadOnlyDictionary<string, string>? environment = null, Func<string, bool>? watchFor = null) =>
        new(storageDirectory, environment, watchFor, args);

    public string Output => string.Join('\n', _output);

    public string Errors => string.Join('\n', _errors);

    /// <summary>The first output line that matched the watch, once one has.</summary>
    public Task<string> Seen => _seen.Task;

    public bool HasExited => _process.HasExited;

    private void Received(string? line, ConcurrentQueue<string> into)
    {
        if (line is null)
        {
            return;
        }
        into.Enqueue(line);
        if (_watchFor?.Invoke(line) == true)
        {
            _seen.TrySetResult(line);
        }
    }

    /// <summary>SIGKILL: no finally block, no dispose, no flush runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The command did not finish within {limit}.\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        // The asynchronous readers may still hold the last lines.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}

/// <summary>What a storage folder holds, read from outside any server.</summary>
public sealed record StoreState(long Sources, long Detainers, long Charges, long OutboxOwed, string Integrity)
{
    public static async Task<StoreState> ReadAsync(string storageDirectory)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(storageDirectory, "detainers.db")};Pooling=False");
        await connection.OpenAsync();
        async Task<long> ScalarAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        var integrity = (string)(await check.ExecuteScalarAsync())!;
        return new StoreState(
            await ScalarAsync("SELECT COUNT(*) FROM Sources"),
            await ScalarAsync("SELECT COUNT(*) FROM Detainers"),
            await ScalarAsync("SELECT COUNT(*) FROM Charges"),
            await ScalarAsync("SELECT COUNT(*) FROM SearchOutbox WHERE ProcessedAt IS NULL"),
            integrity);
    }

    /// <summary>How many charges the Lucene index under the folder holds (opened while no process uses it).</summary>
    public static async Task<long> IndexedChargesAsync(string storageDirectory)
    {
        var storage = new StorageOptions { Directory = storageDirectory, ConnectionString = "", Provider = DatabaseProvider.Sqlite };
        using var search = new LuceneChargeSearch(storage, Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName), NullLogger<LuceneChargeSearch>.Instance);
        return await search.CountAsync(CancellationToken.None);
    }
}

public static class BigFiles
{
    /// <summary>Writes a synthetic detainers file (the <c>generate</c> command's format); returns its row count.</summary>
    public static int Write(string path, int detainers, int seed)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        return new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, detainers, seed, new DateOnly(2017, 1, 28), 3);
    }

    public static string TempFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void Delete(string folder)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
