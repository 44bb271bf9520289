namespace PaymentFunctions.Hosting.Standalone;

/// GET /openapi.json: docs/openapi.json, the HTTP API's contract, embedded in the assembly by the build so the file
/// served is the file committed. Served by the standalone host in every environment; the Functions host serves only
/// the functions (functions.metadata), so there the document is read from the repository.
public static class OpenApiDocumentEndpoint
{
    public const string Route = "/openapi.json";
    private const string ResourceName = "PaymentFunctions.openapi.json";

    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder app)
    {
        var document = Read();
        app.MapGet(Route, () => TypedResults.Bytes(document, "application/json")).WithName("OpenApiDocument");
        return app;
    }

    private static byte[] Read()
    {
        using var stream = typeof(OpenApiDocumentEndpoint).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The build did not embed {ResourceName} (docs/openapi.json).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
