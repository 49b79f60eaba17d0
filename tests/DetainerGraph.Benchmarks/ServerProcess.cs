using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DetainerGraph.Benchmarks;

/// <summary>
/// The real server in its own process (<c>dotnet DetainerGraph.dll</c>, its own runtimeconfig, so server GC
/// as deployed), on Kestrel at a free loopback port, over the benchmark's store. A child process rather
/// than an in-process host so that its RSS and allocations are the server's alone: the load generator and
/// the raw baseline run in this process and would otherwise be counted with it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public int Id => _process.Id;

    public static async Task<ServerProcess> StartAsync(string storeDirectory, HttpClient http)
    {
        var dll = FindServer();
        var port = FreePort();
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = storeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["Storage__Directory"] = storeDirectory;
        start.Environment["Storage__LoadSampleData"] = "false";
        start.Environment["GraphQL__ExposeMetrics"] = "true";
        // Every benchmark client is one loopback address: the per-client rate limit would measure itself.
        start.Environment["RateLimiting__Enabled"] = "false";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        var server = new ServerProcess(process, new Uri(url + "/graphql"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {process.ExitCode}:\n{server.Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(url + "/graphql?query=%7B__typename%7D"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"the server did not answer within 3 minutes:\n{server.Output}");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(40));
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
    }

    /// <summary>Resident set size now and its peak so far (VmRSS, VmHWM), in bytes; Linux only.</summary>
    public (long Current, long Peak) Memory()
    {
        long current = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }
        return (current, peak);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>The server's own build output: beside this program (a referenced executable is copied with its runtimeconfig).</summary>
    internal static string FindServer()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "DetainerGraph.dll");
        if (!File.Exists(dll) || !File.Exists(Path.Combine(AppContext.BaseDirectory, "DetainerGraph.runtimeconfig.json")))
        {
            throw new FileNotFoundException("DetainerGraph.dll and its runtimeconfig are not beside the benchmark; build the solution first.", dll);
        }
        return dll;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
