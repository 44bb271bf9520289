using System.Text.Json;

namespace PaymentFunctions.Hosting.Standalone;

/// Reads what the standalone host needs from host.json, the file the Functions host reads: the copy the build puts
/// beside the app (the repository's top-level host.json), so both hosts read the same file.
public static class HostJson
{
    private const string DefaultRoutePrefix = "api";

    public static string RoutePrefix()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("host.json is not beside the app: the build copies the repository's top-level host.json there.", path);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()?.Trim('/') ?? DefaultRoutePrefix
            : DefaultRoutePrefix;
    }
}
