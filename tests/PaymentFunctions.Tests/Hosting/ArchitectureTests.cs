using System.Text.RegularExpressions;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// docs/architecture.md's import order, held by the code: each top-level folder of src/PaymentFunctions imports
/// (by `using PaymentFunctions.X`) only the folders below it, so no two folders import each other.
public sealed partial class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> MayImport = new()
    {
        ["Operations"] = ["Webhooks", "Payments", "Bookings", "Messaging", "Storage", "Contracts", "Http", "Telemetry"],
        ["Webhooks"] = ["Payments", "Bookings", "Messaging", "Storage", "Contracts", "Http", "Telemetry"],
        ["Payments"] = ["Bookings", "Messaging", "Storage", "Contracts", "Http", "Telemetry"],
        ["Bookings"] = ["Messaging", "Storage", "Contracts", "Http", "Telemetry"],
        ["Messaging"] = ["Storage", "Contracts", "Telemetry"],
        ["Http"] = ["Storage", "Telemetry"],
        ["Retention"] = ["Storage", "Telemetry"],
        ["Storage"] = ["Telemetry"],
        ["Contracts"] = ["Telemetry"],
        // The app's Meter and the instruments several folders share: a leaf every folder may import.
        ["Telemetry"] = [],
        ["Hosting"] = ["Webhooks", "Payments", "Bookings", "Messaging", "Storage", "Contracts", "Http", "Telemetry"],
    };

    private static readonly string App = Path.Combine(RepoPaths.Root, "src", "PaymentFunctions");

    [Fact]
    public void EveryTopLevelFolderIsPlacedInTheImportOrder() =>
        Assert.Equal(
            MayImport.Keys.Order(StringComparer.Ordinal),
            Directory.GetDirectories(App).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj")).Order(StringComparer.Ordinal));

    [Fact]
    public void FoldersImportOnlyTheFoldersBelowThem()
    {
        var violations =
            from folder in MayImport.Keys
            from file in Directory.EnumerateFiles(Path.Combine(App, folder), "*.cs", SearchOption.AllDirectories)
            from line in File.ReadLines(file)
            let match = AppUsing().Match(line)
            where match.Success
            let imported = match.Groups["folder"].Value
            where imported != folder && !MayImport[folder].Contains(imported)
            select $"{Path.GetRelativePath(App, file)} imports {imported}";

        Assert.Empty(violations);
    }

    [GeneratedRegex(@"^using PaymentFunctions\.(?<folder>\w+)[\w.]*;")]
    private static partial Regex AppUsing();
}
