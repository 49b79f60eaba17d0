using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace DetainerGraph.Tests.Operability;

/// <summary>
/// The real server process (the built DetainerGraph.dll under <c>dotnet</c>, on Kestrel): it listens where
/// <c>--urls</c> or <c>ASPNETCORE_URLS</c> say, and on SIGTERM it finishes the request in flight and exits 0.
/// </summary>
public sealed partial class ServerProcessTests : IDisposable
{
    private readonly string _storage = Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_storage, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [GeneratedRegex(@"DetainerGraph is serving GraphQL at (http://\S+)/graphql")]
    private static partial Regex Serving();

    private sealed class Server(Process process, StringBuilder output, Uri baseAddress) : IDisposable
    {
        public Process Process => process;
        public Uri BaseAddress => baseAddress;

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }

    private async Task<Server> StartAsync(string arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "DetainerGraph.dll " + arguments)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Storage__Directory"] = _storage;
        start.Environment["Storage__LoadSampleData"] = "false";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var output = new StringBuilder();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(e.Data);
            }
            if (Serving().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A bound on a broken start, not a timing assertion.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exited = process.WaitForExitAsync(cancel.Token);
        var first = await Task.WhenAny(address.Task, exited);
        if (first != address.Task)
        {
            process.Dispose();
            throw new InvalidOperationException("The server did not start:\n" + output);
        }
        return new Server(process, output, await address.Task);
    }

    [Fact]
    public async Task The_urls_argument_is_honored()
    {
        using var server = await StartAsync("--urls http://127.0.0.1:0", new Dictionary<string, string>());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.NotEqual(5080, server.BaseAddress.Port);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    [SkippableFact]
    public async Task ASPNETCORE_URLS_is_honored_and_SIGTERM_lets_the_request_in_flight_finish()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Sends SIGTERM with kill(1).");
        using var server = await StartAsync("", new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        // A request whose body stops half-way until the server has begun shutting down.
        var body = new HalfThenRest("""{"query":"{ detainerStats(groupBy: []) { count } }"}""");
        var inFlight = client.PostAsync(new Uri("/graphql", UriKind.Relative), body);
        await body.HalfSent;
        using (var kill = Process.Start("kill", $"-TERM {server.Process.Id}"))
        {
            await kill.WaitForExitAsync();
        }
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!server.Output.Contains("Application is shutting down", StringComparison.Ordinal))
        {
            await Task.Delay(50, bound.Token);
        }
        body.SendRest();

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"count\":0", answer, StringComparison.Ordinal);
        await server.Process.WaitForExitAsync(bound.Token);
        Assert.Equal(0, server.Process.ExitCode);
        Assert.DoesNotContain("fail:", server.Output, StringComparison.Ordinal);
    }

    /// <summary>Sends the first half of a JSON body, then waits for <see cref="SendRest"/>.</summary>
    private sealed class HalfThenRest(string json) : HttpContent
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(json);
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HalfSent => _halfSent.Task;

        public void SendRest() => _rest.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _bytes.Length / 2;
            await stream.WriteAsync(_bytes.AsMemory(0, half));
            await stream.FlushAsync();
            _halfSent.TrySetResult();
            await _rest.Task;
            await stream.WriteAsync(_bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return true;
        }
    }
}
