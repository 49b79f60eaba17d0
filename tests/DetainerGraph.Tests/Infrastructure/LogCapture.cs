using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>Every log line a host writes, formatted as the console would, with its category and level.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public sealed record Line(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values);

    public ConcurrentQueue<Line> Lines { get; } = new();

    public IReadOnlyList<Line> In(string category) => [.. Lines.Where(l => l.Category == category)];

    /// <summary>Raised after each line is captured.</summary>
    public event Action<Line>? Logged;

    /// <summary>The first line (already captured or still to come) that matches, waited for within <see cref="Bounded.Limit"/>.</summary>
    public async Task<Line> WaitForAsync(Func<Line, bool> match, string what)
    {
        var found = new TaskCompletionSource<Line>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLogged(Line line)
        {
            if (match(line))
            {
                found.TrySetResult(line);
            }
        }
        Logged += OnLogged;
        try
        {
            if (Lines.FirstOrDefault(match) is { } already)
            {
                return already;
            }
            return await found.Task.WithinAsync(what);
        }
        finally
        {
            Logged -= OnLogged;
        }
    }

    /// <summary>Every line at Error level or above, formatted for a failure message.</summary>
    public IReadOnlyList<string> Errors() =>
        [.. Lines.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.Level} {l.Category} [{l.EventId}]: {l.Message}")];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : new Dictionary<string, object?>();
            var line = new Line(category, logLevel, eventId, formatter(state, exception), values);
            owner.Lines.Enqueue(line);
            owner.Logged?.Invoke(line);
        }
    }
}
