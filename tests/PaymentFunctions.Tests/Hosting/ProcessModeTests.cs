using System.Diagnostics;
using System.Net;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// The built app as a child process: host-style arguments send it down the worker path, none serve it standalone.
public sealed class ProcessModeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// The host passes both argument forms (RpcWorkerContext); worker 2.x reads --functions-uri only, so the older
    /// form alone still takes the worker path but stops at the worker's own missing-endpoint check.
    [Theory]
    [InlineData(true, "Connection refused")]
    [InlineData(false, "Configuration is missing the 'HostEndpoint' information")]
    public async Task StartedWithTheHostsArgumentsItRunsAsTheWorkerAndFailsWithoutAHostToTalkTo(bool withFunctionsUri, string failure)
    {
        var closedPort = FreePort.Next();
        List<string> arguments = ["--host", "127.0.0.1", "--port", $"{closedPort}", "--workerId", "w-test", "--requestId", "r-test", "--grpcMaxMessageLength", "2147483647"];
        if (withFunctionsUri)
        {
            arguments.AddRange(["--functions-uri", $"http://127.0.0.1:{closedPort}/", "--functions-worker-id", "w-test", "--functions-request-id", "r-test", "--functions-grpc-max-message-length", "2147483647"]);
        }

        // Under the host the Service Bus trigger reads Azure Service Bus, so the in-process transport of
        // appsettings.Development.json is refused there; a namespace is enough (the client opens nothing yet).
        using var process = Start([.. arguments], new()
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ServiceBus__Transport"] = "ServiceBus",
            ["ServiceBus__FullyQualifiedNamespace"] = "example.servicebus.windows.net",
        });
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();

        using var timeout = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        var output = await stderr + await stdout;
        Assert.Contains(failure, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartedWithoutThemItServesTheFunctionsStandalone()
    {
        var azurite = await AzuriteServer.Shared;
        var port = FreePort.Next();
        using var process = Start(["--urls", $"http://127.0.0.1:{port}"], new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Storage__TablePrefix"] = "p" + Guid.NewGuid().ToString("N")[..10],
        });
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await TestBookings.EventuallyAsync(() => HealthAsync(client), s => s == HttpStatusCode.OK, "the standalone app to answer /api/health with 200", Limit);

            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<HttpStatusCode?> HealthAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/api/health")).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private static Process Start(string[] arguments, Dictionary<string, string> environment)
    {
        HostStarts.Count(nameof(ProcessModeTests));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppOutput.Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AppOutput.File("PaymentFunctions.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // What the app needs to pass its start-up checks; Stripe points at a closed port (no test reaches it).
        start.Environment["Stripe__SecretKey"] = "sk_test_process_mode";
        start.Environment["Stripe__WebhookSecrets__0"] = "whsec_process_mode";
        start.Environment["Stripe__ApiBase"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["Timers__RunLocally"] = "false";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }
}
