using System.Diagnostics;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Deployment;

/// infra/set-secrets.sh run against a stand-in `az` first on PATH, which keeps each secret in a file and records every
/// command line it is given. What the real Azure CLI and Key Vault do with them is not exercised; what the script
/// hands them is: values on stdin only, never on a command line or in the output, and nothing written on a bad value.
public sealed class SetSecretsScriptTests : IDisposable
{
    private const string ApiKey = "sk_test_51SetSecretsScript";
    private const string FirstSecret = "whsec_FirstSigningSecret";
    private const string RolledSecret = "whsec_RolledSigningSecret";

    private const string StandInAz = """
        #!/usr/bin/env bash
        printf '%s\n' "$*" >> "$AZ_STANDIN/commands"
        name=; previous=; for argument in "$@"; do [ "$previous" = --name ] && name=$argument; previous=$argument; done
        case "$1 $2 $3" in
          'keyvault list -g') echo kv-pay-test ;;
          'functionapp list -g') echo /subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-pay-test ;;
          'keyvault secret set') cat > "$AZ_STANDIN/secret-$name" ;;
          'keyvault secret show') cat "$AZ_STANDIN/secret-$name"; echo ;;
        esac
        """;

    private readonly DirectoryInfo _standIn = Directory.CreateTempSubdirectory("set-secrets-");

    public SetSecretsScriptTests()
    {
        var az = Path.Combine(_standIn.FullName, "az");
        File.WriteAllText(az, StandInAz.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows()) // bash and the script run on Linux (CI, the Function App's OS) and macOS
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => _standIn.Delete(recursive: true);

    [Fact]
    public async Task InitSetsAllThreeSecretsWithoutAValueOnACommandLineOrInTheOutput()
    {
        var (exitCode, output) = await RunAsync("init", ApiKey, FirstSecret);

        Assert.True(exitCode == 0, output);
        Assert.Equal(ApiKey, Secret("stripe-secret-key"));
        Assert.Equal(FirstSecret, Secret("stripe-webhook-secret"));
        Assert.Equal(FirstSecret, Secret("stripe-webhook-secret-previous"));
        var commands = Commands();
        foreach (var value in new[] { ApiKey, FirstSecret })
        {
            Assert.DoesNotContain(value, output, StringComparison.Ordinal);
            Assert.DoesNotContain(commands, c => c.Contains(value, StringComparison.Ordinal));
        }

        // Then the app resolves its references again, and the script shows how each one did.
        Assert.StartsWith("rest --method post --url /subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-pay-test/config/configreferences/appsettings/refresh", commands[^2], StringComparison.Ordinal);
        Assert.StartsWith("rest --method get", commands[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebhookRollKeepsTheOldSecretInThePreviousSlotUntilTheRollIsDone()
    {
        Assert.Equal(0, (await RunAsync("init", ApiKey, FirstSecret)).ExitCode);

        Assert.Equal(0, (await RunAsync("webhook-roll", null, RolledSecret)).ExitCode);
        Assert.Equal(RolledSecret, Secret("stripe-webhook-secret"));
        Assert.Equal(FirstSecret, Secret("stripe-webhook-secret-previous"));

        Assert.Equal(0, (await RunAsync("webhook-roll-done", null, null)).ExitCode);
        Assert.Equal(RolledSecret, Secret("stripe-webhook-secret"));
        Assert.Equal(RolledSecret, Secret("stripe-webhook-secret-previous"));
        Assert.Equal(ApiKey, Secret("stripe-secret-key"));
    }

    [Theory]
    [InlineData("pk_test_PublishableKeyByMistake", FirstSecret)]
    [InlineData(ApiKey, "we_EndpointIdByMistake")]
    [InlineData(ApiKey, null)]
    public async Task AValueThatIsNotAStripeSecretWritesNothing(string apiKey, string? webhookSecret)
    {
        var (exitCode, output) = await RunAsync("init", apiKey, webhookSecret);

        Assert.Equal(2, exitCode);
        Assert.Empty(_standIn.GetFiles("secret-*"));
        Assert.DoesNotContain(apiKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Commands(), c => c.StartsWith("keyvault secret set", StringComparison.Ordinal));
    }

    private string Secret(string name) => File.ReadAllText(Path.Combine(_standIn.FullName, $"secret-{name}"));

    private string[] Commands() => File.ReadAllLines(Path.Combine(_standIn.FullName, "commands"));

    /// Runs the script with no terminal (stdin closed), so a value missing from the environment is not prompted for.
    private async Task<(int ExitCode, string Output)> RunAsync(string command, string? apiKey, string? webhookSecret)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(RepoPaths.Root, "infra", "set-secrets.sh"), "rg-payments-test", command })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = $"{_standIn.FullName}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["AZ_STANDIN"] = _standIn.FullName;
        start.Environment.Remove("STRIPE_SECRET_KEY");
        start.Environment.Remove("STRIPE_WEBHOOK_SECRET");
        if (apiKey is not null)
        {
            start.Environment["STRIPE_SECRET_KEY"] = apiKey;
        }

        if (webhookSecret is not null)
        {
            start.Environment["STRIPE_WEBHOOK_SECRET"] = webhookSecret;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
