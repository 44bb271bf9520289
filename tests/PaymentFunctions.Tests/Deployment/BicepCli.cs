using System.Diagnostics;
using System.Reflection;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Deployment;

/// Runs the Bicep compiler that NuGet restored for the test project (Azure.Bicep.CommandLine.linux-x64).
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string TemplatePath { get; } = Path.Combine(RepoPaths.Root, "infra", "main.bicep");

    private static string Executable
    {
        get
        {
            var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "BicepPath")?.Value;
            // The package's props spell the path with Windows separators.
            path = path?.Replace('\\', '/');
            return !string.IsNullOrEmpty(path) && File.Exists(path)
                ? path
                : throw new InvalidOperationException($"The Bicep CLI from Azure.Bicep.CommandLine.linux-x64 was not restored (BicepPath='{path}').");
        }
    }

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
