using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Pointer;
using Json.Schema;

namespace PaymentFunctions.Tests.Infrastructure;

/// docs/openapi.json as the tests hold the app to it: for an answer of the app, the response the document declares
/// for its operation and status (else the operation's default), its media type, its headers and its body, the body
/// evaluated by JsonSchema.Net against the declared schema (OpenAPI 3.1 schemas are JSON Schema 2020-12, and their
/// $refs resolve inside the document). Which operations and statuses had an answer checked is kept in
/// TestResults/openapi-checked.txt, rewritten whenever one is checked for the first time.
public sealed class OpenApiContract
{
    public static readonly string DocumentPath = Path.Combine(RepoPaths.Root, "docs", "openapi.json");

    /// Headers whose presence the document must declare where an answer carries them.
    private static readonly string[] DeclaredHeaders = ["Location", "Retry-After", "Idempotent-Replayed"];
    private static readonly Uri BaseUri = new("https://paymentfunctions.test/openapi.json");
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// The committed document, read once per test process (after the statics above, which its constructor uses).
    public static OpenApiContract Committed { get; } = new(File.ReadAllText(DocumentPath));

    private readonly JsonElement _root;
    private readonly BuildOptions _build;
    private readonly (Regex Pattern, string Path)[] _paths;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _checked = new(StringComparer.Ordinal);
    private readonly Lock _writing = new();

    public OpenApiContract(string document)
    {
        _root = JsonDocument.Parse(document).RootElement.Clone();
        var registry = new SchemaRegistry();
        registry.Register(BaseUri, new JsonElementBaseDocument(_root, BaseUri));
        _build = new BuildOptions { SchemaRegistry = registry };
        _paths = [.. _root.GetProperty("paths").EnumerateObject().Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", "[^/]+") + "$"), p.Name))];
    }

    /// What in this answer the document does not describe; empty when it does, or when the document has no
    /// operation for the method and path (an unknown route, or a method the route does not serve).
    public IReadOnlyList<string> Violations(string method, string path, int status, string? mediaType, string body, Func<string, bool> hasHeader)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(hasHeader);
        var template = _paths.FirstOrDefault(p => p.Pattern.IsMatch(path)).Path;
        if (template is null || !_root.GetProperty("paths").GetProperty(template).TryGetProperty(method.ToLowerInvariant(), out var operation))
        {
            return [];
        }

        var operationPointer = $"/paths/{Escape(template)}/{method.ToLowerInvariant()}";
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var responses = operation.GetProperty("responses");
        var key = responses.TryGetProperty(code, out _) ? code : "default";
        if (!responses.TryGetProperty(key, out var declared))
        {
            return [$"{status} is not declared and the operation has no default response"];
        }

        if (_checked.TryAdd($"{method.ToUpperInvariant()} {template} {key}", true) && ReferenceEquals(this, Committed))
        {
            WriteChecked();
        }

        var (response, responsePointer) = Resolve(declared, $"{operationPointer}/responses/{key}");
        var violations = new List<string>();
        foreach (var header in DeclaredHeaders.Where(hasHeader))
        {
            if (!response.TryGetProperty("headers", out var headers) || !headers.TryGetProperty(header, out _))
            {
                violations.Add($"the answer carries {header}, which response {key} does not declare");
            }
        }

        if (!response.TryGetProperty("content", out var content))
        {
            if (body.Length > 0)
            {
                violations.Add($"response {key} declares no body, the answer has {body.Length} characters");
            }

            return violations;
        }

        if (mediaType is null || !content.TryGetProperty(mediaType, out _))
        {
            violations.Add($"media type {mediaType ?? "(none)"} is not one of response {key}'s: {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}");
            return violations;
        }

        var schema = Schema($"{responsePointer}/content/{Escape(mediaType)}/schema");
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException ex)
        {
            violations.Add($"the body is not JSON: {ex.Message}");
            return violations;
        }

        var result = schema.Evaluate(instance, Evaluation);
        if (!result.IsValid)
        {
            var errors = (from detail in result.Details ?? []
                          where detail.Errors is { Count: > 0 }
                          from error in detail.Errors!
                          select (Path: detail.EvaluationPath.ToString(), Text: $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Value}")).ToList();
            // The branches a nullable's oneOf did not take fail too; they say nothing when another error is the cause.
            var direct = errors.Where(e => !e.Path.Contains("/oneOf/", StringComparison.Ordinal)).ToList();
            violations.AddRange((direct.Count > 0 ? direct : errors).Select(e => e.Text));
        }

        return violations;
    }

    /// A Response Object, following a Reference Object ($ref to #/components/responses/...) to where it is written.
    private (JsonElement Response, string Pointer) Resolve(JsonElement response, string pointer)
    {
        if (!response.TryGetProperty("$ref", out var reference))
        {
            return (response, pointer);
        }

        var target = reference.GetString()!.TrimStart('#');
        return (JsonPointer.Parse(target).Evaluate(_root) ?? throw new InvalidOperationException($"docs/openapi.json: {pointer} refers to {target}, which is not there."), target);
    }

    /// The schema of a response's media type, a $ref to #/components/schemas/... (JsonSchema.Net resolves refs into the
    /// document by their URI; a pointer through "/paths/~1api~1bookings~1{id}" does not survive Uri's unescaping).
    private JsonSchema Schema(string pointer)
    {
        var declared = JsonPointer.Parse(pointer).Evaluate(_root);
        if (declared is not { } schema || !schema.TryGetProperty("$ref", out var reference) || reference.GetString() is not { } target || !target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"docs/openapi.json: the schema at {pointer} must be a $ref to #/components/schemas/..., which the answers are checked against.");
        }

        return _schemas.GetOrAdd(target, _ => JsonSchema.Build(JsonDocument.Parse($$"""{"$ref": "{{BaseUri}}{{target}}"}""").RootElement.Clone(), _build));
    }

    private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private void WriteChecked()
    {
        lock (_writing)
        {
            var results = Path.Combine(RepoPaths.Root, "TestResults");
            Directory.CreateDirectory(results);
            File.WriteAllLines(Path.Combine(results, "openapi-checked.txt"), _checked.Keys.Order(StringComparer.Ordinal));
        }
    }
}
