using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DetainerGraph.Corrections;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Corrections;

/// <summary>Every mutation leaves one structured audit line: who, what and when, applied or refused.</summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly TestApp _app = EditorClient.NewApp();
    private readonly AuditCapture _audit = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Applied_and_refused_mutations_are_logged_with_editor_action_record_and_time()
    {
        // Only this derived host runs, so the capture sees every line.
        using var host = _app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_audit)));
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync("detainers.csv", System.Text.Encoding.UTF8.GetBytes(SampleRows.Detainers));
        }
        var token = host.Services.GetRequiredService<EditorTokens>().Mint("carol", [EditorTokens.EditorRole], TimeSpan.FromHours(1));
        var id = (await PostAsync(host, "{ detainers(first: 1) { nodes { id } } }", null, null))
            .GetProperty("data").GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString();
        const string Mutation = "mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { correction { id } } }";
        var input = new { input = new { id, field = "CITIZENSHIP", newValue = "Peru", reason = "r", source = "s" } };

        await PostAsync(host, Mutation, input, token);
        await PostAsync(host, Mutation, input, null);
        await PostAsync(host, Mutation, input, token); // NO_CHANGE now

        var lines = _audit.Lines.ToList();
        Assert.Equal(3, lines.Count);
        var applied = lines[0];
        Assert.Equal(LogLevel.Information, applied.Level);
        Assert.Equal("carol", applied.Values["Editor"]);
        Assert.Equal("correctDetainer", applied.Values["Action"]);
        Assert.Equal("citizenship", applied.Values["Field"]);
        Assert.Equal("Mexico", applied.Values["OldValue"]);
        Assert.Equal("Peru", applied.Values["NewValue"]);
        Assert.IsType<DateTimeOffset>(applied.Values["At"]);
        Assert.Equal(("(anonymous)", "AUTH_NOT_AUTHENTICATED"), (lines[1].Values["Editor"], lines[1].Values["Code"]));
        Assert.Equal(("carol", "NO_CHANGE"), (lines[2].Values["Editor"], lines[2].Values["Code"]));
    }

    private static async Task<JsonElement> PostAsync(WebApplicationFactory<Program> host, string query, object? variables, string? token)
    {
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private sealed record AuditLine(LogLevel Level, IReadOnlyDictionary<string, object?> Values);

    private sealed class AuditCapture : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<AuditLine> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => categoryName == "DetainerGraph.Audit" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
            Lines.Enqueue(new AuditLine(logLevel, values));
        }

        public void Dispose()
        {
        }
    }
}
