using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using DetainerGraph.Tests.Infrastructure;

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

    /// <summary>A started server and the address its "serving" line gave.</summary>
    private sealed class Server(ServerProcess process, Uri baseAddress) : IDisposable
    {
        public ServerProcess Process => process;
        public Uri BaseAddress => baseAddress;

        /// <summary>Both output streams so far.</summary>
        public string Output => process.AllOutput;

        public void Dispose() => process.Dispose();
    }

    private async Task<Server> StartAsync(string arguments, IDictionary<string, string> environment)
    {
        var process = ServerProcess.Start(_storage, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), environment.AsReadOnly());
        try
        {
            var serving = await process.WaitForLineAsync(line => Serving().IsMatch(line), "the server's \"serving\" line");
            return new Server(process, new Uri(Serving().Match(serving).Groups[1].Value));
        }
        catch
        {
            process.Dispose();
            throw;
        }
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
        // The shutdown grace is long so that a loaded machine cannot run it out while the request is in flight: this
        // test is about the request being let finish, not about how fast it does.
        using var server = await StartAsync("", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Hosting__ShutdownTimeout"] = "00:05:00",
        });
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        // A request whose body stops half-way until the server has begun shutting down.
        var body = new HalfThenRest("""{"query":"{ detainerStats(groupBy: []) { count } }"}""");
        var inFlight = client.PostAsync(new Uri("/graphql", UriKind.Relative), body);
        await body.HalfSent;
        await server.Process.TerminateAsync();
        await server.Process.WaitForLineAsync("Application is shutting down");
        body.SendRest();

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"count\":0", answer, StringComparison.Ordinal);
        Assert.Equal(0, await server.Process.WaitAsync());
        Assert.DoesNotContain("fail:", server.Output, StringComparison.Ordinal);
    }

    /// <summary>The environment variables `dotnet run` applies from the default launch profile.</summary>
    private static Dictionary<string, string> LaunchProfileVariables()
    {
        using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "src", "DetainerGraph", "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().First().Value;
        return profile.TryGetProperty("environmentVariables", out var variables)
            ? variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString()!)
            : [];
    }

    [Fact]
    public async Task An_environment_named_by_the_caller_wins_over_the_launch_profile_and_a_bare_run_is_Development()
    {
        // `dotnet run` sets the profile's variables over the caller's own: ASPNETCORE_ENVIRONMENT=Production is the caller's.
        var profile = LaunchProfileVariables();
        Assert.DoesNotContain("ASPNETCORE_ENVIRONMENT", profile.Keys);
        Assert.DoesNotContain("DOTNET_ENVIRONMENT", profile.Keys);
        var production = new Dictionary<string, string>(profile) { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        var key = Path.Combine(_storage, "dev-signing-key");
        using (var server = await StartAsync("--urls http://127.0.0.1:0", production))
        {
            // Production makes no signing key and says so once a mutation asks for one.
            await TouchAuthenticationAsync(server);
            await WaitForAsync(server, "Auth:SigningKey is not set");
            Assert.False(File.Exists(key));
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
            Assert.False(response.Headers.Contains("Server"), "Kestrel's Server header is sent");
        }
        var bare = new Dictionary<string, string>(profile) { ["ASPNETCORE_ENVIRONMENT"] = "" };
        using (var server = await StartAsync("--urls http://127.0.0.1:0", bare))
        {
            await TouchAuthenticationAsync(server);
            Assert.True(File.Exists(key), "Development made no signing key");
            Assert.DoesNotContain("listening beyond loopback", server.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Development_serving_beyond_loopback_logs_a_warning()
    {
        using var server = await StartAsync("--urls http://0.0.0.0:0", new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });

        await WaitForAsync(server, "listening beyond loopback");
        Assert.Contains("warn: DetainerGraph.Hosting", server.Output, StringComparison.Ordinal);
        await TouchAuthenticationAsync(server);
        var key = Path.Combine(_storage, "dev-signing-key");
        Assert.True(File.Exists(key));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
    }

    private static Task WaitForAsync(Server server, string text) => server.Process.WaitForLineAsync(text);

    /// <summary>Sends a mutation, which makes the server read (or, in Development, make) its signing key.</summary>
    private static async Task TouchAuthenticationAsync(Server server)
    {
        using var client = new HttpClient { BaseAddress = new Uri(server.BaseAddress.ToString().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)) };
        using var body = new StringContent("""{"query":"mutation { retractDetainer(input: { id: \"RGV0YWluZXI6MQ\", reason: \"r\", source: \"s\" }) { __typename } }"}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/graphql", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abcabcabcabcabcabcabcabcabcabcabcabc")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("changeme-changeme-please-1f3e9a7b2c")]
    [InlineData("0101010101010101010101010101010101010101")]
    public async Task Production_refuses_to_start_with_a_weak_signing_key_and_never_prints_it(string key)
    {
        using var process = ServerProcess.Start(_storage, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string> { ["Auth__SigningKey"] = key });
        var exit = await process.WaitAsync();
        var all = process.AllOutput;

        Assert.NotEqual(0, exit);
        Assert.Contains("Auth:SigningKey", all, StringComparison.Ordinal);
        Assert.DoesNotContain(key, all, StringComparison.Ordinal);
        Assert.DoesNotContain("DetainerGraph is serving", all, StringComparison.Ordinal);
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
