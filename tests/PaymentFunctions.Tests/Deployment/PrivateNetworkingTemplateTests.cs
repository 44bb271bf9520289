using System.Text.Json.Nodes;

namespace PaymentFunctions.Tests.Deployment;

/// infra/main.bicep's privateNetworking parameter, read from the template evaluated with it off (the default) and on
/// (TemplateSnapshot). Whether traffic really flows over the endpoints is only known after a deployment.
public sealed class PrivateNetworkingTemplateTests
{
    private static readonly string[] DataServices =
        ["Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults", "Microsoft.ServiceBus/namespaces"];

    /// The zone each endpoint's group must register in (storage zones end in the cloud's suffix, known only to Azure).
    private static readonly Dictionary<string, string> Zones = new()
    {
        ["table"] = "privatelink.table.",
        ["blob"] = "privatelink.blob.",
        ["queue"] = "privatelink.queue.",
        ["vault"] = "privatelink.vaultcore.azure.net",
        ["namespace"] = "privatelink.servicebus.windows.net",
    };

    [Fact]
    public async Task PrivateNetworkingIsOffByDefaultAndThenNoNetworkIsCreated()
    {
        var (exitCode, compiled, stderr) = await BicepCli.RunAsync("build", BicepCli.TemplatePath, "--stdout");
        Assert.True(exitCode == 0, $"bicep build exited {exitCode}: {stderr}");
        var template = await TemplateSnapshot.Public.Value;

        Assert.False(JsonNode.Parse(compiled)!["parameters"]!["privateNetworking"]!["defaultValue"]!.GetValue<bool>());
        Assert.DoesNotContain(template.Resources, r => r["type"]!.GetValue<string>().StartsWith("Microsoft.Network/", StringComparison.Ordinal));
        Assert.Null(template.FunctionApp["properties"]!["virtualNetworkSubnetId"]);
        Assert.False(template.FunctionApp["properties"]!["siteConfig"]!["vnetRouteAllEnabled"]!.GetValue<bool>());
        Assert.All(DataServices.SelectMany(template.OfType), r => Assert.Equal("Enabled", r["properties"]!["publicNetworkAccess"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PrivateNetworkingPutsBothStorageAccountsTheVaultAndServiceBusBehindPrivateEndpoints()
    {
        var template = await TemplateSnapshot.Private.Value;
        string Id(string type, string prefix) =>
            Assert.Single(template.OfType(type), r => r["name"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal))["id"]!.GetValue<string>();
        var network = Assert.Single(template.OfType("Microsoft.Network/virtualNetworks"))["id"]!.GetValue<string>();
        (string Target, string Group)[] expected =
        [
            (Id("Microsoft.Storage/storageAccounts", "stpay"), "table"),
            (Id("Microsoft.Storage/storageAccounts", "sthost"), "blob"),
            (Id("Microsoft.Storage/storageAccounts", "sthost"), "queue"),
            (Id("Microsoft.KeyVault/vaults", "kv-pay-"), "vault"),
            (Id("Microsoft.ServiceBus/namespaces", "sb-pay-"), "namespace"),
        ];

        var endpoints = template.OfType("Microsoft.Network/privateEndpoints").ToList();
        var connections = endpoints.Select(e => Assert.Single(e["properties"]!["privateLinkServiceConnections"]!.AsArray())!["properties"]!)
            .Select(c => (Target: c["privateLinkServiceId"]!.GetValue<string>(), Group: Assert.Single(c["groupIds"]!.AsArray())!.GetValue<string>()));
        Assert.Equal(expected.Order(), connections.Order());
        Assert.All(endpoints, e => Assert.Equal($"{network}/subnets/endpoints", e["properties"]!["subnet"]!["id"]!.GetValue<string>()));

        // Each endpoint registers its address in the zone of its group, and every zone resolves inside the VNet.
        foreach (var endpoint in endpoints)
        {
            var name = endpoint["name"]!.GetValue<string>();
            var group = Assert.Single(endpoint["properties"]!["privateLinkServiceConnections"]!.AsArray())!["properties"]!["groupIds"]![0]!.GetValue<string>();
            var zone = Assert.Single(template.Single("Microsoft.Network/privateEndpoints/privateDnsZoneGroups", $"{name}/default")["properties"]!["privateDnsZoneConfigs"]!.AsArray());
            Assert.Contains(Zones[group], zone!["properties"]!["privateDnsZoneId"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var zones = template.OfType("Microsoft.Network/privateDnsZones").Select(z => z["name"]!.GetValue<string>()).ToList();
        Assert.Equal(Zones.Count, zones.Count);
        Assert.All(Zones.Values, expectedZone => Assert.Single(zones, z => z.Contains(expectedZone, StringComparison.Ordinal)));
        var links = template.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").ToList();
        Assert.All(zones, z => Assert.Single(links, l => l["name"]!.GetValue<string>().Contains(z.Trim('[', ']'), StringComparison.Ordinal)));
        Assert.All(links, l => Assert.Equal(network, l["properties"]!["virtualNetwork"]!["id"]!.GetValue<string>()));

        Assert.All(DataServices.SelectMany(template.OfType), r => Assert.Equal("Disabled", r["properties"]!["publicNetworkAccess"]!.GetValue<string>()));
        Assert.Equal("Deny", Assert.Single(template.OfType("Microsoft.KeyVault/vaults"))["properties"]!["networkAcls"]!["defaultAction"]!.GetValue<string>());
    }

    /// The app reaches the endpoints from its integration subnet; Service Bus takes private endpoints only on Premium.
    [Fact]
    public async Task PrivateNetworkingRoutesTheFunctionAppThroughItsSubnetAndTakesThePremiumServiceBusTier()
    {
        var template = await TemplateSnapshot.Private.Value;
        var network = Assert.Single(template.OfType("Microsoft.Network/virtualNetworks"));
        var app = template.FunctionApp["properties"]!;

        Assert.Equal($"{network["id"]!.GetValue<string>()}/subnets/app", app["virtualNetworkSubnetId"]!.GetValue<string>());
        Assert.True(app["siteConfig"]!["vnetRouteAllEnabled"]!.GetValue<bool>());
        var subnet = Assert.Single(network["properties"]!["subnets"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "app");
        Assert.Equal("Microsoft.Web/serverFarms", Assert.Single(subnet!["properties"]!["delegations"]!.AsArray())!["properties"]!["serviceName"]!.GetValue<string>());
        // Everything the app sends goes into the VNet, Stripe calls included: out through a NAT gateway, from one static address.
        var nat = Assert.Single(template.OfType("Microsoft.Network/natGateways"));
        Assert.Equal(nat["id"]!.GetValue<string>(), subnet["properties"]!["natGateway"]!["id"]!.GetValue<string>());
        var address = Assert.Single(template.OfType("Microsoft.Network/publicIPAddresses"));
        Assert.Equal(address["id"]!.GetValue<string>(), Assert.Single(nat["properties"]!["publicIpAddresses"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal("Static", address["properties"]!["publicIPAllocationMethod"]!.GetValue<string>());
        // Asked for Standard (TemplateSnapshot.Private), given Premium.
        Assert.Equal("Premium", Assert.Single(template.OfType("Microsoft.ServiceBus/namespaces"))["sku"]!["tier"]!.GetValue<string>());
    }
}
