using System.Diagnostics;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// appsettings.Development.json holds the development token key and points at every stand-in: it is built for
/// run.sh and the tests but must not ship. Asked of MSBuild itself (the project as evaluated, not its text), so a
/// glob or a later Update that put it back in the publish output would fail here.
public sealed class PublishContentsTests
{
    [Fact]
    public async Task ThePublishOutputLeavesTheDevelopmentSettingsOutAndKeepsTheOthers()
    {
        var items = await NoneItemsAsync();

        Assert.Equal("Never", Metadata(items["appsettings.Development.json"], "CopyToPublishDirectory"));
        // No CopyToPublishDirectory: published as it is copied to the build output.
        Assert.Equal("", Metadata(items["appsettings.json"], "CopyToPublishDirectory"));
        Assert.Equal("PreserveNewest", Metadata(items["appsettings.json"], "CopyToOutputDirectory"));
    }

    [Fact]
    public async Task TheDemoPageIsNeitherCopiedToTheBuildOutputNorPublished()
    {
        var items = await NoneItemsAsync();
        var page = items.Where(i => i.Key.StartsWith("wwwroot", StringComparison.Ordinal)).ToList();

        Assert.Equal(3, page.Count);
        Assert.All(page, i => Assert.Equal(("Never", "Never"), (Metadata(i.Value, "CopyToOutputDirectory"), Metadata(i.Value, "CopyToPublishDirectory"))));
    }

    private static string Metadata(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private static async Task<Dictionary<string, JsonElement>> NoneItemsAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "msbuild", Path.Combine(RepoPaths.Root, "src", "PaymentFunctions", "PaymentFunctions.csproj"), "-getItem:None", "-p:Configuration=Release", "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var msbuild = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = msbuild.StandardOutput.ReadToEndAsync();
        var errors = msbuild.StandardError.ReadToEndAsync();
        await msbuild.WaitForExitAsync();
        Assert.True(msbuild.ExitCode == 0, $"dotnet msbuild failed: {await errors}{await output}");
        using var json = JsonDocument.Parse(await output);
        return json.RootElement.GetProperty("Items").GetProperty("None").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.Clone(), StringComparer.Ordinal);
    }
}
