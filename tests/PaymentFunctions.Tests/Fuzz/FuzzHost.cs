using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PaymentFunctions.Tests.Fuzz;

/// The whole app for the fuzz tests: Kestrel, Azurite and the Stripe emulator as in every whole-app test, the
/// recording Service Bus (so only the input under test writes: no consumer runs), every log line captured (and
/// none on the console, which would slow 10,000 inputs down), and how many inputs to generate.
public static class FuzzHost
{
    /// Inputs per fuzz test = its default x FUZZ_SCALE (bench/fuzz.sh runs a larger scale). A failure prints the
    /// CsCheck seed; rerun with CsCheck_Seed=&lt;seed&gt; to reproduce it.
    public static long Iterations(long suiteDefault) =>
        suiteDefault * (long.TryParse(Environment.GetEnvironmentVariable("FUZZ_SCALE"), out var scale) && scale > 0 ? scale : 1);

    private const int Concurrency = 16;

    /// Runs about `inputs` generated inputs, 16 at a time. CsCheck samples batches of 16 on one thread, so it
    /// awaits every input before the next batch (and before the test checks the tables afterwards), and a batch
    /// that fails is shrunk and reported with its seed. The exception names the failing input; the app's logged
    /// errors (whose exceptions name the defect) go to the output.
    public static async Task<long> SampleAsync<T>(Gen<T> gen, Func<T, Task> run, long inputs, ITestOutputHelper output, CapturingLoggerProvider logs)
    {
        var batches = (inputs + Concurrency - 1) / Concurrency;
        try
        {
            await gen.Array[Concurrency].SampleAsync(
                batch => Task.WhenAll(batch.Select(run)),
                iter: batches,
                threads: 1,
                print: batch => $"a batch of {batch.Length} inputs run together; the failure above names the one that failed");
        }
        catch
        {
            foreach (var line in logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(5))
            {
                output.WriteLine(FuzzAnswers.Shorten(line));
            }

            throw;
        }

        return batches * Concurrency;
    }

    public static async Task<(PaymentAppHost Host, CapturingLoggerProvider Logs)> StartAsync()
    {
        var logs = new CapturingLoggerProvider();
        var host = await PaymentAppHost.StartAsync(
            serviceBus: true,
            deliverWebhooks: false,
            settings: new Dictionary<string, string?> { ["Logging:Console:LogLevel:Default"] = "None" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        return (host, logs);
    }
}
