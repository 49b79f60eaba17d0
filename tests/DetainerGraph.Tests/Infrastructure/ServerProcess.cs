using System.Collections.Concurrent;
using System.Diagnostics;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// The one way tests start the built program as a child process: <c>dotnet DetainerGraph.dll ARGS</c> from the test
/// output folder, in Production unless the caller's environment says otherwise, over a given storage folder, with no
/// inherited <c>ASPNETCORE_URLS</c>. Used for the server (<see cref="WaitForLineAsync"/> on its "serving" line) and for
/// the command line (<see cref="WaitAsync"/> for its exit code). Every wait is bounded by <see cref="Bounded.Limit"/>
/// or the caller's limit, and a process still running when disposed is killed.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _all = new();
    private readonly Lock _watchLock = new();
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<string> Seen)> _watches = [];

    private ServerProcess(string storageDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
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
        start.Environment["Storage__LoadSampleData"] = "false";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        if (environment is not null && environment.ContainsKey("ASPNETCORE_ENVIRONMENT") && !environment.ContainsKey("DOTNET_ENVIRONMENT"))
        {
            // The caller names the environment (or, empty, leaves it to the program's own default).
            start.Environment.Remove("DOTNET_ENVIRONMENT");
        }
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data, _output);
        _process.ErrorDataReceived += (_, e) => Received(e.Data, _errors);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>dotnet DetainerGraph.dll</c> with the arguments, over the storage folder.</summary>
    public static ServerProcess Start(string storageDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(storageDirectory, args, environment);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output so far, one line per line.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Standard error so far.</summary>
    public string Errors => string.Join('\n', _errors);

    /// <summary>Both streams, in the order the lines arrived.</summary>
    public string AllOutput => string.Join('\n', _all);

    private void Received(string? line, ConcurrentQueue<string> into)
    {
        if (line is null)
        {
            return;
        }
        lock (_watchLock)
        {
            into.Enqueue(line);
            _all.Enqueue(line);
            foreach (var (matches, seen) in _watches)
            {
                if (matches(line))
                {
                    seen.TrySetResult(line);
                }
            }
        }
    }

    /// <summary>
    /// The first line (of either stream, already printed or still to come) that matches; fails with the output if the
    /// process exits first or nothing matches within <see cref="Bounded.Limit"/>.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> matches, string what)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watchLock)
        {
            if (_all.FirstOrDefault(matches) is { } already)
            {
                return already;
            }
            _watches.Add((matches, seen));
        }
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited).WithinAsync($"{what}\n{AllOutput}");
        if (first != seen.Task)
        {
            // The readers may still hold the last lines.
            _process.WaitForExit();
            if (seen.Task.IsCompleted)
            {
                return await seen.Task;
            }
            Assert.Fail($"The process exited ({_process.ExitCode}) before {what}:\n{AllOutput}");
        }
        return await seen.Task;
    }

    /// <summary>A line containing the text; see <see cref="WaitForLineAsync(Func{string, bool}, string)"/>.</summary>
    public Task<string> WaitForLineAsync(string text) =>
        WaitForLineAsync(line => line.Contains(text, StringComparison.Ordinal), $"a line with \"{text}\"");

    /// <summary>SIGKILL: no finally block, no dispose, no flush runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM (a graceful stop, as a service manager sends it).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", $"-TERM {_process.Id}");
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGINT (Ctrl+C at a terminal).</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", $"-INT {_process.Id}");
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the exit (killing the process and failing with its output past the limit); returns the exit code.</summary>
    public async Task<int> WaitAsync(TimeSpan? limit = null)
    {
        var bound = limit ?? Bounded.Limit;
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The process did not finish within {bound}.\nstdout:\n{Output}\nstderr:\n{Errors}");
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
