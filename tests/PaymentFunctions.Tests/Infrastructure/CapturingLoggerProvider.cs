using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PaymentFunctions.Tests.Infrastructure;

/// Every log line the app writes (message and exception), for tests that check what reaches the logs.
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
