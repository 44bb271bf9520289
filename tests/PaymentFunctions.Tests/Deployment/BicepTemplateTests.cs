using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Deployment;

/// infra/main.bicep compiled and linted by the real Bicep CLI (infra/bicepconfig.json turns on the stricter
/// rules). Nothing here deploys: what Azure itself would refuse at deployment time is not exercised.
public sealed class BicepTemplateTests
{
    public static TheoryData<string> BicepFiles => new(Directory.GetFiles(Path.Combine(RepoPaths.Root, "infra"), "*.bicep").Select(Path.GetFileName)!);

    /// Every file, modules included: warnings count as failures, like the C# build's.
    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task EveryBicepFileLintsWithoutASingleDiagnostic(string file)
    {
        var (exitCode, stdout, stderr) = await BicepCli.RunAsync("lint", Path.Combine(RepoPaths.Root, "infra", file), "--diagnostics-format", "sarif");

        Assert.True(exitCode == 0, $"bicep lint exited {exitCode}: {stderr}");
        var results = JsonNode.Parse(stdout)!["runs"]!.AsArray().SelectMany(run => run!["results"]!.AsArray())
            .Select(r => $"{r!["ruleId"]}: {r["message"]!["text"]}")
            .ToList();
        Assert.True(results.Count == 0, "bicep lint reported:\n" + string.Join('\n', results));
    }

    [Fact]
    public async Task TheTemplateCompilesAndDeploysTheMessagingAndIdentityTheAppRelyOn()
    {
        var (exitCode, stdout, stderr) = await BicepCli.RunAsync("build", BicepCli.TemplatePath, "--stdout");

        Assert.True(exitCode == 0, $"bicep build exited {exitCode}: {stderr}");
        Assert.Equal("", stderr.Trim());
        var resources = JsonNode.Parse(stdout)!["resources"]!.AsObject();
        JsonNode Properties(string symbol) => resources[symbol]!["properties"]!;

        // Outbox resends carry the same MessageId: only duplicate detection on both topics makes them harmless.
        foreach (var topic in new[] { "paymentsTopic", "bookingsTopic" })
        {
            Assert.True(Properties(topic)["requiresDuplicateDetection"]!.GetValue<bool>(), topic);
        }

        Assert.Equal("Microsoft.ServiceBus/namespaces/topics/subscriptions", resources["bookingSubscription"]!["type"]!.GetValue<string>());
        Assert.Equal("SqlFilter", Properties("bookingSubscriptionFilter")["filterType"]!.GetValue<string>());
        Assert.True(Properties("serviceBus")["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("SystemAssigned", resources["functionApp"]!["identity"]!["type"]!.GetValue<string>());
        Assert.True(Properties("functionApp")["httpsOnly"]!.GetValue<bool>());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(stdout).RootElement.GetProperty("parameters").GetProperty("ticketTypes").ValueKind);
    }

    /// Sized for an on-sale (infra/README.md): Premium Service Bus by default, bounded topics whose expired messages
    /// are dead-lettered, and a plan that starts with two instances and scales out on CPU.
    [Fact]
    public async Task TheTemplateIsSizedForAnOnSale()
    {
        var (exitCode, stdout, stderr) = await BicepCli.RunAsync("build", BicepCli.TemplatePath, "--stdout");
        Assert.True(exitCode == 0, $"bicep build exited {exitCode}: {stderr}");
        var template = JsonNode.Parse(stdout)!;
        var resources = template["resources"]!.AsObject();
        JsonNode Properties(string symbol) => resources[symbol]!["properties"]!;
        JsonNode DefaultOf(string parameter) => template["parameters"]![parameter]!["defaultValue"]!;

        Assert.Equal("Premium", DefaultOf("serviceBusSku").GetValue<string>());
        Assert.Equal(2, DefaultOf("minimumInstances").GetValue<int>());
        foreach (var topic in new[] { "paymentsTopic", "bookingsTopic" })
        {
            Assert.Equal("[variables('topicMaxSizeInMegabytes')]", Properties(topic)["maxSizeInMegabytes"]!.GetValue<string>());
            Assert.Equal("[variables('messageTimeToLive')]", Properties(topic)["defaultMessageTimeToLive"]!.GetValue<string>());
        }

        Assert.Equal(5120, template["variables"]!["topicMaxSizeInMegabytes"]!.GetValue<int>());
        Assert.Equal("P14D", template["variables"]!["messageTimeToLive"]!.GetValue<string>());
        Assert.True(Properties("bookingSubscription")["deadLetteringOnMessageExpiration"]!.GetValue<bool>());
        Assert.Equal("Microsoft.Insights/autoscalesettings", resources["autoscale"]!["type"]!.GetValue<string>());
        var rules = Properties("autoscale")["profiles"]![0]!["rules"]!.AsArray();
        Assert.Equal(["Increase", "Decrease"], rules.Select(r => r!["scaleAction"]!["direction"]!.GetValue<string>()));
    }

    /// The host refuses a function whose %Setting% or connection does not resolve: every name the triggers in
    /// functions.metadata use must be an app setting of the template (":" spelled "__"), and the app must run as
    /// the .NET 10 isolated worker.
    [Fact]
    public void TheTemplateDeploysEverySettingTheTriggersNameForTheIsolatedWorker()
    {
        var bicep = File.ReadAllText(BicepCli.TemplatePath);
        using var metadata = JsonDocument.Parse(File.ReadAllText(AppOutput.File("functions.metadata")));
        var bindings = metadata.RootElement.EnumerateArray().SelectMany(f => f.GetProperty("bindings").EnumerateArray()).ToList();
        var schedules = bindings.Where(b => b.TryGetProperty("schedule", out _))
            .Select(b => Regex.Match(b.GetProperty("schedule").GetString()!, "^%([^%]+)%$").Groups[1].Value.Replace(":", "__", StringComparison.Ordinal));
        var connections = bindings.Where(b => b.TryGetProperty("connection", out _))
            .Select(b => b.GetProperty("connection").GetString() + "__fullyQualifiedNamespace");

        Assert.Equal(4, schedules.Count());
        Assert.All(schedules.Concat(connections), setting => Assert.Contains($"name: '{setting}'", bicep, StringComparison.Ordinal));
        Assert.Contains("{ name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }", bicep, StringComparison.Ordinal);
        Assert.Contains("linuxFxVersion: 'DOTNET-ISOLATED|10.0'", bicep, StringComparison.Ordinal);
        Assert.Contains("allowedOrigins: [corsAllowedOrigin]", bicep, StringComparison.Ordinal);
    }
}
