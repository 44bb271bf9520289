using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using PaymentFunctions.Hosting;
using PaymentFunctions.Http;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Hosting;

/// docs/openapi.json, the HTTP API's contract: a valid OpenAPI 3.1 document (read and validated by Microsoft.OpenApi)
/// whose operations are exactly the HTTP functions of functions.metadata, each secured as the function declares it.
/// The answers themselves are checked against it by every PaymentAppHost client (OpenApiCheckingHandler).
[Collection(AppHostGroup.Name)]
public sealed class OpenApiDocumentTests(InProcessAppHost fixture)
{
    private static readonly OpenApiDocument Document = Read();

    [Fact]
    public void TheDocumentIsValidOpenApi31()
    {
        var result = OpenApiDocument.Parse(File.ReadAllText(OpenApiContract.DocumentPath), "json");
        var rules = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet());

        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic!.SpecificationVersion);
        Assert.Empty(result.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(rules.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public void ItsPathsAndMethodsAreExactlyTheHttpFunctionsOfFunctionsMetadata()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(AppOutput.File("functions.metadata")));
        var declared = from function in metadata.RootElement.EnumerateArray()
                       from binding in function.GetProperty("bindings").EnumerateArray()
                       where binding.GetProperty("type").GetString() == "httpTrigger"
                       from method in binding.GetProperty("methods").EnumerateArray()
                       select $"{method.GetString()!.ToUpperInvariant()} /api/{binding.GetProperty("route").GetString()}";

        Assert.Equal(declared.Order(StringComparer.Ordinal), Operations().Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EachOperationIsSecuredAsItsFunctionDeclares()
    {
        var expected = FunctionCatalog.All.Where(f => f.Http is not null).ToDictionary(
            f => $"{f.Http!.Methods!.Single().ToUpperInvariant()} /api/{f.Http.Route}",
            f => f.Method.GetCustomAttribute<AllowAnonymousAttribute>() is not null
                ? f.Name == "StripeWebhook" ? "stripeSignature" : "none"
                : f.Method.GetCustomAttribute<AuthorizeAttribute>()!.Policy == AuthSetup.PaymentsAdminPolicy ? $"bearerAuth {AuthSetup.PaymentsAdminRole}" : "bearerAuth");

        var documented = Operations().ToDictionary(o => o.Key, o => o.Value.Security is { Count: > 0 } security
            ? string.Join(" ", security.Single().Select(s => string.Join(" ", [s.Key.Reference.Id, .. s.Value])))
            : "none");

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), documented.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void TheIdempotencyKeyHeaderIsDocumentedOnEveryPostThatTakesItAndRequiredOnlyForStaffChanges()
    {
        var withKey = Operations().Where(o => o.Value.Parameters?.Any(p => p.Name == IdempotencyKeys.HeaderName && p.In == ParameterLocation.Header) == true)
            .ToDictionary(o => o.Key, o => o.Value.Parameters!.Single(p => p.Name == IdempotencyKeys.HeaderName).Required);

        Assert.Equal(
            new Dictionary<string, bool>
            {
                ["POST /api/admin/bookings/{id}/refunds"] = true,
                ["POST /api/admin/dead-letters/{messageId}/requeue"] = true,
                ["POST /api/admin/stripe-events/{id}/replay"] = true,
                ["POST /api/bookings"] = false,
                ["POST /api/bookings/{id}/cancel"] = false,
                ["POST /api/payments/checkout-sessions"] = false,
                ["POST /api/payments/intents"] = false,
            },
            withKey.OrderBy(k => k.Key, StringComparer.Ordinal).ToDictionary());
    }

    [Fact]
    public async Task TheStandaloneHostServesTheCommittedDocument()
    {
        using var client = new HttpClient { BaseAddress = fixture.Host.Client.BaseAddress };

        using var response = await client.GetAsync("/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(OpenApiContract.DocumentPath), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public void AnAnswerMissingARequiredFieldOrOfAnUndeclaredMediaTypeOrHeaderIsAViolation()
    {
        var contract = OpenApiContract.Committed;
        static bool None(string header) => false;
        const string booking = """{"id":"bk_1","status":"PENDING","ticketTypeId":"standard","quantity":1,"amount":2500,"currency":"EUR","amountRefunded":0,"paymentIntentId":null,"checkoutSessionId":null,"createdAt":"2026-12-01T10:00:00+00:00","holdExpiresAt":"2026-12-01T10:30:00+00:00","history":[],"refunds":[]}""";

        Assert.Empty(contract.Violations("GET", "/api/bookings/bk_1", 200, "application/json", booking, None));
        Assert.Contains(contract.Violations("GET", "/api/bookings/bk_1", 200, "application/json", booking.Replace("\"quantity\":1,", "", StringComparison.Ordinal), None), v => v.Contains("quantity", StringComparison.Ordinal));
        Assert.NotEmpty(contract.Violations("GET", "/api/bookings/bk_1", 200, "application/json", booking.Replace("PENDING", "PAID", StringComparison.Ordinal), None));
        Assert.NotEmpty(contract.Violations("GET", "/api/bookings/bk_1", 200, "application/json", booking.Replace("2026-12-01T10:00:00+00:00", "yesterday", StringComparison.Ordinal), None));
        Assert.NotEmpty(contract.Violations("GET", "/api/bookings/bk_1", 200, "text/plain", booking, None));
        Assert.NotEmpty(contract.Violations("GET", "/api/bookings/bk_1", 200, "application/json", booking, h => h == "Idempotent-Replayed"));
        Assert.NotEmpty(contract.Violations("GET", "/api/bookings/bk_1", 404, "application/problem+json", """{"title":"Not found"}""", None));
        Assert.Empty(contract.Violations("GET", "/api/no-such-route", 404, "application/problem+json", "", None));
    }

    private static IEnumerable<KeyValuePair<string, OpenApiOperation>> Operations() =>
        from path in Document.Paths
        from operation in path.Value.Operations!
        select KeyValuePair.Create($"{operation.Key.Method.ToUpperInvariant()} {path.Key}", operation.Value);

    private static OpenApiDocument Read() => OpenApiDocument.Parse(File.ReadAllText(OpenApiContract.DocumentPath), "json").Document!;
}
