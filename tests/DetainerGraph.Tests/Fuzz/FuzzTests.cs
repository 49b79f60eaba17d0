using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DetainerGraph.Tests.Fuzz;

/// <summary>
/// Thousands of generated malformed and hostile requests through HTTP to the in-process server (see
/// <see cref="HostileRequests"/>). No answer may be a 5xx; every error must carry <c>extensions.code</c>; every
/// non-2xx answer must be a JSON error unless its status is one the README documents without a body; and the
/// server must answer a normal query exactly as before, with the same SQL, afterwards.
/// <para>
/// <c>DETAINERGRAPH_FUZZ_SEED</c> (default 20170128) and <c>DETAINERGRAPH_FUZZ_COUNT</c> (default 1500) pick the
/// run; <c>DETAINERGRAPH_FUZZ_ONLY=i</c> replays request <c>i</c> of the seed alone. A failure prints the seed,
/// the request and what was wrong.
/// </para>
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultSeed = 20170128;
    private const int DefaultCount = 1500;
    private const string HealthQuery = "{ weeks { totalCount nodes { start } } detainers(first: 3, order: [{ issuedOn: DESC }]) { totalCount nodes { id outcome charges { description } } } searchCharges(query: \"dui\", first: 2) { totalCount } }";

    /// <summary>Statuses answered without a JSON body, as documented: redirects to the IDE, and 404 for paths that are not the API.</summary>
    private static readonly int[] BodylessStatuses = [301, 302, 304, 307, 308, 404];

    private readonly TestApp _app = EditorClient.NewApp(new Dictionary<string, string?>
    {
        // A fixed, short execution timeout keeps the run bounded; hostile documents that run long end in TIMEOUT.
        ["GraphQL:ExecutionTimeout"] = "00:00:05",
    });

    public void Dispose() => _app.Dispose();

    private static int FromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [Fact]
    public async Task Hostile_requests_get_coded_4xx_or_200_answers_and_the_server_stays_well()
    {
        var seed = FromEnvironment("DETAINERGRAPH_FUZZ_SEED", DefaultSeed);
        var count = FromEnvironment("DETAINERGRAPH_FUZZ_COUNT", DefaultCount);
        var only = FromEnvironment("DETAINERGRAPH_FUZZ_ONLY", -1);
        output.WriteLine($"fuzz: DETAINERGRAPH_FUZZ_SEED={seed} DETAINERGRAPH_FUZZ_COUNT={count}" + (only >= 0 ? $" DETAINERGRAPH_FUZZ_ONLY={only}" : ""));

        await SeedStoreAsync();
        var before = await _app.QueryAsync(HealthQuery);
        var correctionsBefore = await _app.WithDbAsync(db => db.Corrections.CountAsync());
        var token = EditorClient.Token(_app, "fuzz");
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });
        client.Timeout = Timeout.InfiniteTimeSpan;

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var codes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var slowest = new List<(TimeSpan Elapsed, FuzzRequest Request)>();
        var watch = Stopwatch.StartNew();
        var indexes = only >= 0 ? [only] : Enumerable.Range(0, count);
        // DETAINERGRAPH_FUZZ_LOG=<file> writes each request's outcome as it happens, to find one that hangs.
        await using var log = Environment.GetEnvironmentVariable("DETAINERGRAPH_FUZZ_LOG") is { Length: > 0 } logPath
            ? new StreamWriter(logPath, append: false) { AutoFlush = true }
            : null;
        foreach (var index in indexes)
        {
            var request = HostileRequests.Generate(seed, index);
            log?.WriteLine($"sending {request.Describe(160).ReplaceLineEndings(" | ")}");
            var started = Stopwatch.GetTimestamp();
            var problem = await CheckAsync(client, request, token, statuses, codes);
            slowest.Add((Stopwatch.GetElapsedTime(started), request));
            log?.WriteLine($"{Stopwatch.GetElapsedTime(started).TotalMilliseconds,8:F0} ms {problem ?? "ok"} #{request.Index}");
            if (problem is not null)
            {
                failures.Add($"{problem}\n  request {request.Describe()}");
                if (failures.Count >= 20)
                {
                    break;
                }
            }
        }
        watch.Stop();

        output.WriteLine($"fuzz: {indexes.Count()} requests in {watch.Elapsed.TotalSeconds:F1} s");
        output.WriteLine("statuses: " + string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        output.WriteLine("codes: " + string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value}")));
        foreach (var (elapsed, request) in slowest.OrderByDescending(s => s.Elapsed).Take(5))
        {
            output.WriteLine($"slow: {elapsed.TotalMilliseconds:F0} ms {request.Describe(120).Split('\n')[0]}");
        }

        var after = await _app.QueryAsync(HealthQuery);
        Assert.True(failures.Count == 0,
            $"{failures.Count} fuzz failure(s); replay with DETAINERGRAPH_FUZZ_SEED={seed} (and DETAINERGRAPH_FUZZ_ONLY=<#> for one):\n\n" + string.Join("\n\n", failures));
        // Afterwards the server answers a normal query exactly as before, and with the same number of SQL statements.
        Assert.Equal(before.GetProperty("data").ToString(), after.GetProperty("data").ToString());
        Assert.Equal(TestApp.SqlStatements(before), TestApp.SqlStatements(after));
        Assert.True(before.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32() > 0);
        // Every mutation the fuzzer sends has something the server must refuse, even with a valid token.
        Assert.Equal(correctionsBefore, await _app.WithDbAsync(db => db.Corrections.CountAsync()));
    }

    [Fact]
    public void The_generator_is_deterministic_and_covers_every_kind()
    {
        var first = Enumerable.Range(0, 60).Select(i => HostileRequests.Generate(5, i)).ToList();
        var again = Enumerable.Range(0, 60).Select(i => HostileRequests.Generate(5, i)).ToList();
        var otherSeed = Enumerable.Range(0, 60).Select(i => HostileRequests.Generate(6, i)).ToList();

        Assert.Equal(first.Select(r => r.Describe(int.MaxValue)), again.Select(r => r.Describe(int.MaxValue)));
        Assert.NotEqual(first.Select(r => r.Describe(int.MaxValue)), otherSeed.Select(r => r.Describe(int.MaxValue)));
        Assert.Equal(HostileRequests.AllKinds.Order(), first.Select(r => r.Kind).Distinct().Order());
    }

    private async Task SeedStoreAsync()
    {
        await _app.ImportAsync("detainers.csv", SampleRows.Detainers);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 300, 11, new DateOnly(2017, 1, 28), 3);
        await _app.ImportAsync("generated.csv", writer.ToString());
    }

    /// <summary>Sends one request; returns what is wrong with the answer, or null.</summary>
    private static async Task<string?> CheckAsync(HttpClient client, FuzzRequest fuzz, string editorToken, SortedDictionary<int, int> statuses, SortedDictionary<string, int> codes)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzz.Method), fuzz.PathAndQuery);
        if (fuzz.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", fuzz.Authorization.Replace(HostileRequests.EditorToken, editorToken, StringComparison.Ordinal));
        }
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            request.Content.Headers.ContentType = null;
            if (fuzz.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            }
        }
        if (fuzz.Accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", fuzz.Accept);
        }

        // Not a speed limit: a guard so that a request that never returns fails the run instead of hanging it.
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, hang.Token);
        }
        catch (OperationCanceledException) when (hang.IsCancellationRequested)
        {
            return "no answer within 60 s";
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            // The server threw past the pipeline, or closed the request without an answer.
            return $"the request failed: {e.GetType().Name}: {e.Message}";
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var text = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                return $"HTTP {status}: {Shorten(text)}";
            }
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (response.IsSuccessStatusCode && !fuzz.PathAndQuery.Split('?')[0].Equals("/graphql", StringComparison.Ordinal))
            {
                // The IDE's files under /graphql/ (its JSON config among them) are not GraphQL responses.
                return null;
            }
            var isJson = mediaType is "application/json" or "application/graphql-response+json";
            if (!isJson)
            {
                var documented = response.IsSuccessStatusCode || BodylessStatuses.Contains(status) || fuzz.Method == "HEAD";
                return documented ? null : $"HTTP {status} with {mediaType ?? "no content type"} instead of a JSON error: {Shorten(text)}";
            }
            JsonElement body;
            try
            {
                body = JsonDocument.Parse(text).RootElement;
            }
            catch (JsonException e)
            {
                return $"HTTP {status} declared JSON but is not ({e.Message}): {Shorten(text)}";
            }
            if (!response.IsSuccessStatusCode && !HasErrors(body))
            {
                return $"HTTP {status} without errors: {Shorten(text)}";
            }
            return CheckCodes(body, codes) is { } missing ? $"HTTP {status}: {missing}: {Shorten(text)}" : null;
        }
    }

    private static bool HasErrors(JsonElement body) => body.ValueKind switch
    {
        JsonValueKind.Object => body.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0,
        JsonValueKind.Array => body.EnumerateArray().Any(HasErrors),
        _ => false,
    };

    private static string? CheckCodes(JsonElement body, SortedDictionary<string, int> codes)
    {
        if (body.ValueKind == JsonValueKind.Array)
        {
            return body.EnumerateArray().Select(item => CheckCodes(item, codes)).FirstOrDefault(p => p is not null);
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return "the body is neither a response object nor a batch of them";
        }
        if (!body.TryGetProperty("errors", out var errors))
        {
            return body.TryGetProperty("data", out _) ? null : "neither data nor errors";
        }
        foreach (var error in errors.EnumerateArray())
        {
            if (!error.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("code", out var code)
                || code.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(code.GetString()))
            {
                return "an error without extensions.code";
            }
            codes[code.GetString()!] = codes.GetValueOrDefault(code.GetString()!) + 1;
            if (code.GetString() == "INTERNAL_SERVER_ERROR")
            {
                // Masked, but still a server bug: hostile input must be refused, not make something throw.
                return "an internal error";
            }
            var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            if (message.Contains("   at ", StringComparison.Ordinal) || message.Contains("Exception", StringComparison.Ordinal))
            {
                return "an error message that shows internals";
            }
        }
        return null;
    }

    private static string Shorten(string text) => text.Length > 500 ? text[..500] + "..." : text;
}
