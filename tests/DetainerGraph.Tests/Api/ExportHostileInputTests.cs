using System.Net;
using System.Text.Json;
using DetainerGraph.Export;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// Exports under hostile or careless URLs: every one is a coded 4xx before any row (never a 500), nothing is logged at
/// Error level, and a download cancelled halfway releases its slot. In-memory (TestServer), so URLs longer than
/// Kestrel's request line (answered 414 by Kestrel itself) reach the endpoint's own checks.
/// </summary>
public sealed class ExportHostileInputTests : IAsyncLifetime, IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly TestApp _app;

    // One host (a second one on the same store would fight over the search index): the capture joins its loggers.
    public ExportHostileInputTests() => _app = new TestApp(
        settings: new Dictionary<string, string?> { ["Export:MaxConcurrent"] = "1" },
        services: s => s.AddSingleton<ILoggerProvider>(_logs));

    public async Task InitializeAsync()
    {
        // Enough generated (synthetic) rows that a download is far larger than any buffer between server and client.
        using var writer = new StringWriter();
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 3_000, 5, new DateOnly(2017, 1, 28), 3);
        await _app.ImportAsync("many.csv", writer.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private static string Q(string value) => Uri.EscapeDataString(value);

    private static readonly string Long = new('x', 100_000);

    public static TheoryData<string, string> HostileUrls => new()
    {
        { "/export/detainers.csv?order=" + Q(Long), "INVALID_REQUEST" },
        { "/export/detainer-stats.csv?groupBy=" + Q(Long), "INVALID_REQUEST" },
        { "/export/detainers.csv?where=" + Q("{\"citizenship\":{\"eq\":\"" + Long + "\"}}"), "INVALID_REQUEST" },
        { "/export/detainers.csv?fields=" + Q(Long), "INVALID_REQUEST" },
        { "/export/detainers.csv?" + Q(Long) + "=1", "INVALID_REQUEST" },
        { "/export/detainers.csv?where=" + Q(string.Concat(Enumerable.Repeat("{\"and\":[", 5_000)) + "{}" + string.Concat(Enumerable.Repeat("]}", 5_000))), "INVALID_REQUEST" },
        { "/export/detainers.csv?where=" + Q(new string('[', 4_000) + new string(']', 4_000)), "INVALID_REQUEST" },
        { "/export/detainers.csv?where=" + Q("""{"outcome":{"eq":"NOPE"}}"""), "INVALID_VALUE" },
        { "/export/detainers.csv?order=" + Q("""[{"issuedOn":"SIDEWAYS"}]"""), "INVALID_VALUE" },
        { "/export/detainer-stats.csv?groupBy=STATE&order=SIDEWAYS", "INVALID_VALUE" },
        { "/export/detainer-stats.csv?groupBy=STATE,DECADE", "INVALID_VALUE" },
        { "/export/detainers.csv?includeSynthetic=yes", "INVALID_REQUEST" },
        { "/export/detainers.csv?where=%7B%7D&where=%7B%7D", "INVALID_REQUEST" },
        { "/export/detainers.csv?" + string.Join('&', Enumerable.Repeat("order=%5B%5D", 3_000)), "INVALID_REQUEST" },
        { "/export/detainers.csv?where=%FF%FE%7B%7D", "INVALID_REQUEST" },
        { "/export/detainers.csv?where=%C0%80", "INVALID_REQUEST" },
        { "/export/detainers.csv?where=%00", "INVALID_REQUEST" },
        { "/export/detainers.csv?where=%7B%7D%7D%7B", "INVALID_REQUEST" },
        { "/export/detainers.csv?where=" + Q("""{"issuedOn":{"eq":"2017-02-30"}}"""), "INVALID_VALUE" },
        // A member named twice (top level, nested, in an order item, in a groupBy list) parses as JSON; it was a 500.
        { "/export/detainers.csv?where=" + Q("""{"outcome":{"eq":"LIFTED"},"outcome":{"eq":"OPEN"}}"""), "INVALID_REQUEST" },
        { "/export/detainers.csv?where=" + Q("""{"jurisdiction":{"state":{"eq":"PA","eq":"TX"}}}"""), "INVALID_REQUEST" },
        { "/export/detainers.csv?order=" + Q("""[{"issuedOn":"ASC","issuedOn":"DESC"}]"""), "INVALID_REQUEST" },
        { "/export/detainer-stats.csv?groupBy=" + Q("""[{"a":1,"a":2}]"""), "INVALID_REQUEST" },
    };

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task A_hostile_url_is_a_short_coded_400_before_any_row_and_nothing_is_logged_as_an_error(string url, string code)
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];
        Assert.Equal(code, error.GetProperty("extensions").GetProperty("code").GetString());
        // The answer never echoes a huge parameter back.
        Assert.True(error.GetProperty("message").GetString()!.Length <= 2 * ExportEndpoint.MaxParameterLength,
            $"the message is {error.GetProperty("message").GetString()!.Length} characters long");
        Assert.DoesNotContain(_logs.Lines, l => l.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_download_cancelled_halfway_logs_no_error_and_releases_its_export_slot()
    {
        using var client = _app.CreateClient();

        using (var response = await client.GetAsync(new Uri("/export/detainers.ndjson?includeSynthetic=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await reader.ReadLineAsync();
            Assert.StartsWith("{\"id\":", first, StringComparison.Ordinal);
            // Leaving the block disposes the response halfway: the client is gone.
        }

        // With one export slot server-wide, the next download works once the cancelled one has let go of it. The
        // cancelled export notices when its next write or read is cancelled; wait for that, boundedly.
        var released = false;
        using var bound = new CancellationTokenSource(Bounded.Limit);
        while (!released)
        {
            using var again = await client.GetAsync(new Uri("/export/detainers.csv?where=" + Q("""{"citizenship":{"eq":"nobody"}}"""), UriKind.Relative));
            released = again.StatusCode == HttpStatusCode.OK;
            if (!released)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
                Assert.Contains(ExportEndpoint.BusyCode, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                await Task.Delay(100, bound.Token);
            }
        }
        Assert.Contains(_logs.Lines, l => l.Category == typeof(ExportEndpoint).FullName && l.Message.Contains("the client went away", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task An_export_beyond_the_server_wide_limit_is_a_coded_503_while_another_streams()
    {
        using var client = _app.CreateClient();

        // The first download is held open, unread, after its first line: it keeps the only slot.
        using var holding = await client.GetAsync(new Uri("/export/detainers.csv?includeSynthetic=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await holding.Content.ReadAsStreamAsync());
        Assert.StartsWith("id,", await reader.ReadLineAsync(), StringComparison.Ordinal);

        using var second = await client.GetAsync(new Uri("/export/detainer-stats.csv?groupBy=STATE", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        var error = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        Assert.Equal(ExportEndpoint.BusyCode, error.GetProperty("extensions").GetProperty("code").GetString());
    }
}
