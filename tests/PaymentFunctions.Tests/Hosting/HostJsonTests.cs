using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// host.json lives once, at the repository's top level (the design card's layout), and the build carries it.
public sealed class HostJsonTests
{
    [Fact]
    public void TheAppsBuildOutputCarriesTheTopLevelHostJson() =>
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), File.ReadAllText(AppOutput.File("host.json")));

    [Fact]
    public void NoOtherHostJsonExistsInTheSources() =>
        Assert.Empty(
            from folder in new[] { "src", "tests", "tools", "bench" }
            from file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "host.json", SearchOption.AllDirectories)
            where !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            select file);
}
