using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using DetainerGraph.Operability;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Operability;

/// <summary>Our meter, activity source and request log record what the issue asks, without variable values.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly LogCapture _logs = new();
    private readonly TestApp _app = new();

    public void Dispose()
    {
        _app.Dispose();
        _logs.Dispose();
    }

    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    /// <summary>Listens to the DetainerGraph meter of this app's container only (tests run side by side).</summary>
    private static MeterListener Listen(IServiceProvider services, ConcurrentQueue<Measurement> into)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DetainerGraphTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            into.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        return listener;
    }

    [Fact]
    public async Task A_request_records_duration_sql_statements_resolver_errors_and_search_latency()
    {
        await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);
        var measurements = new ConcurrentQueue<Measurement>();
        using var listener = Listen(_app.Services, measurements);

        var result = await _app.QueryAsync("""
            query TelemetryProbe {
              detainers(first: 2) { nodes { id } }
              searchCharges(query: "assault") { totalCount }
              detainer(id: "not-an-id") { id }
            }
            """);

        Assert.Equal("INVALID_ID", result.FirstErrorCode());
        var byName = measurements.ToLookup(m => m.Instrument);
        var duration = Assert.Single(byName["detainergraph.graphql.request.duration"]);
        Assert.True(duration.Value > 0);
        Assert.Equal("query", duration.Tags["graphql.operation.type"]);
        Assert.Equal("errors", duration.Tags["outcome"]);
        var statements = Assert.Single(byName["detainergraph.graphql.sql_statements"]);
        Assert.Equal(TestApp.SqlStatements(result), statements.Value);
        Assert.True(statements.Value >= 1);
        var error = Assert.Single(byName["detainergraph.graphql.errors"]);
        Assert.Equal(1, error.Value);
        Assert.Equal("INVALID_ID", error.Tags["error.code"]);
        Assert.Equal("resolver", error.Tags["error.kind"]);
        var search = Assert.Single(byName["detainergraph.search.duration"], m => (string?)m.Tags["search.operation"] == "search");
        Assert.Equal("ok", search.Tags["outcome"]);
    }

    [Fact]
    public async Task A_request_is_one_span_named_after_its_operation()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DetainerGraphTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var name = "SpanProbe" + Guid.NewGuid().ToString("N");

        await _app.DataAsync($"query {name} {{ searchCharges(query: \"dui\") {{ totalCount }} }}");

        var span = Assert.Single(stopped, a => (string?)a.GetTagItem("graphql.operation.name") == name);
        Assert.Equal($"graphql query {name}", span.DisplayName);
        Assert.Equal("ok", span.GetTagItem("graphql.outcome"));
        // The search call is a child span of the request.
        Assert.Contains(stopped, a => a.DisplayName == "search search" && a.ParentSpanId == span.SpanId);
    }

    [Fact]
    public async Task One_log_line_per_request_with_name_outcome_and_duration_but_never_the_variables()
    {
        using var app = _app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_logs)));
        using var client = app.CreateClient();
        const string secret = "Xyzzy-Secret-County";
        var body = System.Net.Http.Json.JsonContent.Create(new
        {
            query = "query LogProbe($name: String) { jurisdictions(where: { name: { eq: $name } }) { totalCount } }",
            variables = new { name = secret },
        });
        using var response = await client.PostAsync("/graphql", body);
        response.EnsureSuccessStatusCode();

        var lines = _logs.Lines.Where(l => l.Category == "DetainerGraph.Requests").ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Matches(@"^GraphQL query LogProbe: ok in \d+\.\d ms, 0 errors \[\], \d+ SQL statements$", line.Message);
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(secret, StringComparison.Ordinal));
    }

    private sealed record LogLine(string Category, LogLevel Level, string Message);

    private sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogLine> _lines = new();

        public IReadOnlyList<LogLine> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception)));
        }
    }
}
