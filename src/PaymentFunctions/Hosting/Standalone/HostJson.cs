using System.Text.Json;

namespace PaymentFunctions.Hosting.Standalone;

/// Reads what the standalone host needs from host.json, the file the Functions host reads.
public static class HostJson
{
    private const string DefaultRoutePrefix = "api";

    public static string RoutePrefix(string contentRoot)
    {
        var path = new[] { Path.Combine(contentRoot, "host.json"), Path.Combine(AppContext.BaseDirectory, "host.json") }.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("host.json was found neither in the content root nor beside the app.", Path.Combine(contentRoot, "host.json"));
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()?.Trim('/') ?? DefaultRoutePrefix
            : DefaultRoutePrefix;
    }
}
