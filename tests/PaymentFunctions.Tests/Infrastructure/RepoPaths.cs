namespace PaymentFunctions.Tests.Infrastructure;

/// Finds the checkout root (the folder holding package.json) so tests can use node_modules and ../shared.
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SharedReference(params string[] parts) =>
        Path.Combine([Root, "..", "shared", "reference", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "PaymentFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (package.json beside PaymentFunctions.sln).");
    }
}
