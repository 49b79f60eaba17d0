using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps the SQL EF Core logs as it executes commands: the statements of the requests and
/// imports a test makes. The search outbox worker's reads of its queue are left out: the worker polls on its own clock
/// (every 5 s), so one of its statements could land between any two of a test's, and tests that count statements failed
/// when it did.
/// </summary>
public sealed class SqlLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _commands = new();

    public IReadOnlyList<string> Commands => [.. _commands];

    public void Clear() => _commands.Clear();

    public ILogger CreateLogger(string categoryName) =>
        categoryName == "Microsoft.EntityFrameworkCore.Database.Command" ? new Logger(_commands) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> commands) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // "Executed DbCommand" events carry the command text.
            if (eventId.Name?.EndsWith("CommandExecuted", StringComparison.Ordinal) == true)
            {
                var text = formatter(state, exception);
                if (!text.Contains("FROM \"SearchOutbox\"", StringComparison.Ordinal))
                {
                    commands.Enqueue(text);
                }
            }
        }
    }

    private sealed class NullLogger : ILogger
    {
        public static readonly NullLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
