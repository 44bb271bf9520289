using System.Text.RegularExpressions;
using PaymentFunctions.Hosting;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Deployment;

/// What infra/main.bicep grants the app, read from the evaluated template (TemplateSnapshot): every role scoped to
/// what the app uses, no secret value in the template or the pipeline, no basic-auth publishing, Entra-only telemetry,
/// and resource logs for the vault, the tables and Service Bus. Whether Azure accepts all this is not exercised here.
public sealed partial class LeastPrivilegeTemplateTests
{
    // Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public async Task EveryRoleIsScopedToTheTopicSubscriptionAccountVaultOrComponentTheAppUses()
    {
        var template = await TemplateSnapshot.Public.Value;
        var (data, host) = StorageAccounts(template);
        var serviceBus = Assert.Single(template.OfType("Microsoft.ServiceBus/namespaces"))["id"]!.GetValue<string>();

        (string, string)[] expected =
        [
            (data, StorageTableDataContributor),
            (host, StorageBlobDataOwner),
            ($"{serviceBus}/topics/payments", ServiceBusDataSender),
            ($"{serviceBus}/topics/bookings", ServiceBusDataSender),
            ($"{serviceBus}/topics/payments/subscriptions/booking", ServiceBusDataReceiver),
            (Assert.Single(template.OfType("Microsoft.KeyVault/vaults"))["id"]!.GetValue<string>(), KeyVaultSecretsUser),
            (Assert.Single(template.OfType("Microsoft.Insights/components"))["id"]!.GetValue<string>(), MonitoringMetricsPublisher),
        ];

        // Exactly these: nothing on the namespace, the resource group or the host's account beyond blobs.
        Assert.Equal(expected.Order(), template.RoleAssignments.Select(a => (a.Scope, a.Role)).Order());
    }

    /// The app's tables in one account, the Functions host's state in another: the table role reaches only the first.
    [Fact]
    public async Task TheAppsTablesLiveInAnAccountApartFromTheFunctionsHostsStorage()
    {
        var template = await TemplateSnapshot.Public.Value;
        var (data, host) = StorageAccounts(template);

        Assert.NotEqual(data, host);
        Assert.Equal(2, template.OfType("Microsoft.Storage/storageAccounts").Count());
        Assert.All(template.OfType("Microsoft.Storage/storageAccounts"), account => Assert.False(account["properties"]!["allowSharedKeyAccess"]!.GetValue<bool>()));
        Assert.Equal([data], template.RoleAssignments.Where(a => a.Role == StorageTableDataContributor).Select(a => a.Scope));
    }

    [Fact]
    public async Task NoSecretValueIsWrittenByTheTemplateOrPassedByThePipeline()
    {
        var (exitCode, compiled, stderr) = await BicepCli.RunAsync("build", BicepCli.TemplatePath, "--stdout");
        Assert.True(exitCode == 0, $"bicep build exited {exitCode}: {stderr}");

        // No secure parameter anywhere (modules included), and no Key Vault secret resource in either shape of the template.
        Assert.DoesNotMatch(SecureType(), compiled);
        Assert.DoesNotContain("Microsoft.KeyVault/vaults/secrets", compiled, StringComparison.OrdinalIgnoreCase);
        foreach (var template in new[] { await TemplateSnapshot.Public.Value, await TemplateSnapshot.Private.Value })
        {
            Assert.Empty(template.OfType("Microsoft.KeyVault/vaults/secrets"));
        }

        foreach (var pipeline in new[] { "azure-pipelines.yml", Path.Combine("infra", "deploy-stage.yml") })
        {
            var text = File.ReadAllText(Path.Combine(RepoPaths.Root, pipeline));
            Assert.DoesNotMatch(StripeSecretVariable(), text);
        }
    }

    /// Versionless references, so the app reads the latest version set by infra/set-secrets.sh: a rotation needs no
    /// deployment, and a deployment cannot undo one. The script writes exactly the secrets the settings name.
    [Fact]
    public async Task TheStripeSettingsReferenceTheVaultsSecretsWithoutAVersion()
    {
        var template = await TemplateSnapshot.Public.Value;
        var vault = Assert.Single(template.OfType("Microsoft.KeyVault/vaults"))["id"]!.GetValue<string>();
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "set-secrets.sh"));
        var expected = new Dictionary<string, string>
        {
            ["Stripe__SecretKey"] = "stripe-secret-key",
            ["Stripe__WebhookSecrets__0"] = "stripe-webhook-secret",
            ["Stripe__WebhookSecrets__1"] = "stripe-webhook-secret-previous",
        };

        // These three settings, and no other, reference the vault.
        var references = template.AppSettings.Where(s => s.Value.Contains("@Microsoft.KeyVault", StringComparison.Ordinal));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), references.Select(s => s.Key).Order(StringComparer.Ordinal));
        foreach (var (setting, secret) in expected)
        {
            var reference = VersionlessReference().Match(template.AppSettings[setting]);
            Assert.True(reference.Success, $"{setting} is not a versionless Key Vault reference: {template.AppSettings[setting]}");
            Assert.Equal(vault, reference.Groups["vault"].Value);
            Assert.Equal(secret, reference.Groups["secret"].Value);
            Assert.Contains($"'{secret}'", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BasicAuthPublishingIsOffForFtpAndScm()
    {
        var template = await TemplateSnapshot.Public.Value;
        var app = template.FunctionApp["name"]!.GetValue<string>();

        foreach (var policy in new[] { "ftp", "scm" })
        {
            var resource = template.Single("Microsoft.Web/sites/basicPublishingCredentialsPolicies", $"{app}/{policy}");
            Assert.False(resource["properties"]!["allow"]!.GetValue<bool>(), policy);
        }
    }

    /// Local auth off: Application Insights takes only telemetry sent with an Entra token, and the host and the worker
    /// (ApplicationInsightsAuthentication) both send with the app's system-assigned identity.
    [Fact]
    public async Task ApplicationInsightsTakesOnlyTelemetrySentWithTheAppsIdentity()
    {
        var template = await TemplateSnapshot.Public.Value;

        Assert.True(Assert.Single(template.OfType("Microsoft.Insights/components"))["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Equal(new ApplicationInsightsAuthentication(ClientId: null), ApplicationInsightsAuthentication.Parse(template.AppSettings[ApplicationInsightsAuthentication.Setting]));
        Assert.Equal("SystemAssigned", template.FunctionApp["identity"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheVaultsAuditTheTablesTheHostsBlobsAndServiceBusAreLoggedToTheWorkspace()
    {
        var template = await TemplateSnapshot.Public.Value;
        var (data, host) = StorageAccounts(template);
        var workspace = Assert.Single(template.OfType("Microsoft.OperationalInsights/workspaces"))["id"]!.GetValue<string>();
        string[] storageOperations = ["StorageRead", "StorageWrite", "StorageDelete"];
        var expected = new Dictionary<string, string[]>
        {
            [Assert.Single(template.OfType("Microsoft.KeyVault/vaults"))["id"]!.GetValue<string>()] = ["AuditEvent"],
            [$"{data}/tableServices/default"] = storageOperations,
            [$"{host}/blobServices/default"] = storageOperations,
            [Assert.Single(template.OfType("Microsoft.ServiceBus/namespaces"))["id"]!.GetValue<string>()] = ["allLogs"],
        };

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), template.DiagnosticSettings.Keys.Order(StringComparer.Ordinal));
        foreach (var (scope, categories) in expected)
        {
            var setting = template.DiagnosticSettings[scope];
            Assert.Equal(workspace, setting["workspaceId"]!.GetValue<string>());
            var logs = setting["logs"]!.AsArray();
            Assert.All(logs, log => Assert.True(log!["enabled"]!.GetValue<bool>()));
            Assert.Equal(categories, logs.Select(log => (log!["category"] ?? log["categoryGroup"])!.GetValue<string>()));
        }
    }

    /// (the account the app's Storage__TableEndpoint names, the account AzureWebJobsStorage__accountName names).
    private static (string Data, string Host) StorageAccounts(TemplateSnapshot template)
    {
        var accounts = template.OfType("Microsoft.Storage/storageAccounts").Select(a => a["id"]!.GetValue<string>()).ToList();
        var host = Assert.Single(accounts, id => id.EndsWith("/" + template.AppSettings["AzureWebJobsStorage__accountName"], StringComparison.Ordinal));
        var data = Assert.Single(accounts, id => template.AppSettings["Storage__TableEndpoint"].Contains($"'{id}'", StringComparison.Ordinal));
        return (data, host);
    }

    [GeneratedRegex("\"type\":\\s*\"secure(string|object)\"", RegexOptions.IgnoreCase)]
    private static partial Regex SecureType();

    [GeneratedRegex("STRIPE_SECRET_KEY|STRIPE_WEBHOOK_SECRET|stripeSecretKey|stripeWebhookSecret")]
    private static partial Regex StripeSecretVariable();

    // [format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', reference('<vault id>', '<api>').vaultUri, '<secret>')]
    [GeneratedRegex(@"^\[format\('@Microsoft\.KeyVault\(SecretUri=\{0\}secrets/\{1\}\)', reference\('(?<vault>[^']+)', '[^']+'\)\.vaultUri, '(?<secret>[a-z-]+)'\)\]$")]
    private static partial Regex VersionlessReference();
}
