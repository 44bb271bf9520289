using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Hosting;

/// Logged values come from outside (Stripe events, message ids, request data): the console output must not let them
/// forge a log line. The app's console logs are JSON, one entry per line, with control characters escaped.
[Collection(AppHostGroup.Name)]
public sealed class ConsoleLogTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task AValueWithANewlineOrNulCannotForgeAConsoleLogLine()
    {
        var host = fixture.Host;
        var name = host.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName;
        var formatter = host.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
        const string hostile = "eur\ninfo: PaymentFunctions.Webhooks.WebhookProcessor[0]\r\n      FORGED-LOG-LINE\0";
        var entry = new LogEntry<string>(LogLevel.Information, "PaymentFunctions.Webhooks.WebhookProcessor", default, $"Stripe event evt_1 in {hostile}", null, (state, _) => state);
        using var output = new StringWriter();

        formatter.Write(entry, new LoggerExternalScopeProvider(), output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\0', line);
        Assert.Contains("FORGED-LOG-LINE", line, StringComparison.Ordinal);
        Assert.StartsWith("{", line.TrimStart(), StringComparison.Ordinal);
    }
}
