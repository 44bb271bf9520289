using System.Reflection;

namespace PaymentFunctions.Tests.Infrastructure;

/// The app project's build output folder, where the worker SDK writes functions.metadata and extensions.json.
internal static class AppOutput
{
    public static string Directory { get; } =
        typeof(AppOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AppOutputDir").Value!;

    public static string File(string name)
    {
        var path = Path.Combine(Directory, name);
        return System.IO.File.Exists(path) ? path : throw new FileNotFoundException($"The app's build did not write {name}.", path);
    }
}
