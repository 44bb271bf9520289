using System.Text.Json.Nodes;

namespace PaymentFunctions.Tests.Deployment;

/// infra/main.bicep evaluated by `bicep snapshot` for one set of parameters, as a deployment would see it: conditions
/// applied, modules expanded, names and resource ids resolved. Nothing reaches Azure, so what only Azure knows
/// (reference() values such as an identity's principal id or a vault's URI, environment() suffixes) stays a template
/// expression. Each parameter set is evaluated once per test run: the CLI takes seconds.
internal sealed class TemplateSnapshot
{
    private const string SubscriptionId = "00000000-0000-0000-0000-00000000a11c";
    private const string ResourceGroup = "rg-payments-test";

    /// The pipeline's parameters (infra/deploy-stage.yml): public network access, the default Premium Service Bus.
    public static Lazy<Task<TemplateSnapshot>> Public { get; } = new(() => EvaluateAsync(new Dictionary<string, string>()));

    /// Private networking on, with a Standard Service Bus asked for (which private endpoints cannot have).
    public static Lazy<Task<TemplateSnapshot>> Private { get; } = new(() => EvaluateAsync(new Dictionary<string, string>
    {
        ["privateNetworking"] = "true",
        ["serviceBusSku"] = "'Standard'",
    }));

    private TemplateSnapshot(JsonArray resources) => Resources = resources.Select(r => r!).ToList();

    public IReadOnlyList<JsonNode> Resources { get; }

    public IEnumerable<JsonNode> OfType(string type) =>
        Resources.Where(r => r["type"]!.GetValue<string>().Equals(type, StringComparison.OrdinalIgnoreCase));

    public JsonNode Single(string type, string name) =>
        Assert.Single(OfType(type), r => r["name"]!.GetValue<string>() == name);

    public string IdOf(string type, string name) => Single(type, name)["id"]!.GetValue<string>();

    public JsonNode FunctionApp => Assert.Single(OfType("Microsoft.Web/sites"));

    /// The Function App's app settings, name to value (a value Azure computes stays an expression).
    public IReadOnlyDictionary<string, string> AppSettings =>
        FunctionApp["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.GetValue<string>());

    /// Every role assignment as (the resource it is scoped to, the built-in role's id).
    public IReadOnlyList<(string Scope, string Role)> RoleAssignments =>
        OfType("Microsoft.Authorization/roleAssignments")
            .Select(r => (
                Scope: r["id"]!.GetValue<string>()[..r["id"]!.GetValue<string>().IndexOf("/providers/Microsoft.Authorization/", StringComparison.Ordinal)],
                Role: r["properties"]!["roleDefinitionId"]!.GetValue<string>().Split('/')[^1]))
            .ToList();

    /// Diagnostic settings by the resource they are scoped to.
    public IReadOnlyDictionary<string, JsonNode> DiagnosticSettings =>
        OfType("Microsoft.Insights/diagnosticSettings").ToDictionary(
            r => r["id"]!.GetValue<string>()[..r["id"]!.GetValue<string>().IndexOf("/providers/Microsoft.Insights/", StringComparison.Ordinal)],
            r => r["properties"]!);

    private static async Task<TemplateSnapshot> EvaluateAsync(Dictionary<string, string> parameters)
    {
        var directory = Directory.CreateTempSubdirectory("bicep-snapshot-");
        try
        {
            var parameterFile = Path.Combine(directory.FullName, "test.bicepparam");
            // The CLI refuses an absolute path in `using`; it writes the snapshot beside the parameter file, not in the repo.
            var template = Path.GetRelativePath(directory.FullName, BicepCli.TemplatePath).Replace('\\', '/');
            var required = new Dictionary<string, string>
            {
                ["environmentName"] = "'test'",
                ["authAuthority"] = "'https://login.microsoftonline.com/00000000-0000-0000-0000-00000000a11c/v2.0'",
                ["authAudience"] = "'api://paymentfunctions'",
                ["corsAllowedOrigin"] = "'https://tickets-test.example.com'",
            };
            File.WriteAllLines(parameterFile, [$"using '{template}'", .. required.Concat(parameters).Select(p => $"param {p.Key} = {p.Value}")]);

            var (exitCode, _, stderr) = await BicepCli.RunAsync(
                "snapshot", parameterFile, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup,
                "--location", "westeurope", "--tenant-id", "00000000-0000-0000-0000-00000000a11d");

            Assert.True(exitCode == 0, $"bicep snapshot exited {exitCode}: {stderr}");
            var snapshot = JsonNode.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(parameterFile, ".snapshot.json")))!;
            Assert.True(snapshot["diagnostics"]!.AsArray().Count == 0, $"bicep snapshot reported: {snapshot["diagnostics"]!.ToJsonString()}");
            return new TemplateSnapshot(snapshot["predictedResources"]!.AsArray());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
