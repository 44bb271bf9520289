using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Hosting.Standalone;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Hosting;

/// functions.metadata, written by the worker SDK at build time, is the contract with the Functions host: every
/// function's trigger and its settings are pinned here, and the standalone host serves exactly its HTTP routes under
/// the route prefix.
[Collection(AppHostGroup.Name)]
public sealed class FunctionsMetadataTests(InProcessAppHost fixture)
{
    private static readonly Dictionary<string, JsonElement> Triggers = ReadTriggers();

    public static TheoryData<string, string, string, string> HttpFunctions => new()
    {
        { "CreateBooking", "post", "bookings", "Anonymous" },
        { "GetBooking", "get", "bookings/{id}", "Anonymous" },
        { "CancelBooking", "post", "bookings/{id}/cancel", "Anonymous" },
        { "StaffRefund", "post", "admin/bookings/{id}/refunds", "Anonymous" },
        { "StaffGetBooking", "get", "admin/bookings/{id}", "Anonymous" },
        { "ListBookingAudit", "get", "admin/bookings/{id}/audit", "Anonymous" },
        { "ListDayAudit", "get", "admin/audit", "Anonymous" },
        { "ListStripeEvents", "get", "admin/attention/stripe-events", "Anonymous" },
        { "ReplayStripeEvent", "post", "admin/stripe-events/{id}/replay", "Anonymous" },
        { "ListDeadLetters", "get", "admin/dead-letters", "Anonymous" },
        { "RequeueDeadLetter", "post", "admin/dead-letters/{messageId}/requeue", "Anonymous" },
        { "ListStuckOutbox", "get", "admin/outbox/stuck", "Anonymous" },
        { "BackfillRetention", "post", "admin/retention/backfill", "Anonymous" },
        { "ListPaymentMethods", "get", "payment-methods", "Anonymous" },
        { "DetachPaymentMethod", "delete", "payment-methods/{id}", "Anonymous" },
        { "CreatePaymentIntent", "post", "payments/intents", "Anonymous" },
        { "CreateCheckoutSession", "post", "payments/checkout-sessions", "Anonymous" },
        { "GetPaymentStatus", "get", "payments/{bookingId}", "Anonymous" },
        { "StripeWebhook", "post", "webhooks/stripe", "Anonymous" },
        { "Health", "get", "health", "Anonymous" },
    };

    [Fact]
    public void TheMetadataDeclaresExactlyTheAppsFunctions() =>
        Assert.Equal(
            ["BackfillRetention", "BookingExpiry", "BookingPaymentEvents", "CancelBooking", "CreateBooking", "CreateCheckoutSession", "CreatePaymentIntent", "DetachPaymentMethod", "GetBooking", "GetPaymentStatus", "Health", "ListBookingAudit", "ListDayAudit", "ListDeadLetters", "ListPaymentMethods", "ListStripeEvents", "ListStuckOutbox", "OutboxSweeper", "ReplayStripeEvent", "RequeueDeadLetter", "Retention", "StaffGetBooking", "StaffRefund", "StripeReconciliation", "StripeWebhook"],
            Triggers.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void EachHttpFunctionHasItsRouteMethodAndAuthLevel(string function, string method, string route, string authLevel)
    {
        var trigger = Triggers[function];

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("StripeReconciliation", "%Timers:ReconciliationSchedule%")]
    [InlineData("BookingExpiry", "%Timers:ExpirySchedule%")]
    [InlineData("OutboxSweeper", "%Timers:OutboxSweepSchedule%")]
    [InlineData("Retention", "%Timers:RetentionSchedule%")]
    public void EachTimerTakesItsScheduleFromAnAppSettingAndNeverRunsOnStartup(string function, string schedule)
    {
        var trigger = Triggers[function];

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(schedule, trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.TryGetProperty("runOnStartup", out var runOnStartup) && runOnStartup.GetBoolean());
    }

    [Fact]
    public void TheBookingConsumerIsTriggeredByThePaymentsTopicsBookingSubscriptionWithoutSessions()
    {
        var trigger = Triggers["BookingPaymentEvents"];

        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("payments", trigger.GetProperty("topicName").GetString());
        Assert.Equal("booking", trigger.GetProperty("subscriptionName").GetString());
        Assert.Equal("ServiceBusConnection", trigger.GetProperty("connection").GetString());
        Assert.Equal("Binary", trigger.GetProperty("dataType").GetString());
        Assert.Equal("One", trigger.GetProperty("cardinality").GetString());
        Assert.False(trigger.TryGetProperty("isSessionsEnabled", out var sessions) && sessions.GetBoolean());
        Assert.False(trigger.TryGetProperty("queueName", out _));
    }

    [Fact]
    public async Task TheStandaloneHostServesExactlyTheMetadatasHttpRoutesUnderHostJsonsPrefix()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(AppOutput.File("host.json")));
        var prefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();
        var declared = Triggers.Where(t => t.Value.GetProperty("type").GetString() == "httpTrigger")
            .Select(t => $"{string.Join(",", t.Value.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))} {prefix}/{t.Value.GetProperty("route").GetString()}")
            .Order(StringComparer.Ordinal);
        var host = fixture.Host;

        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var served = endpoints.Where(e => e.RoutePattern.RawText != MetricsEndpoint.Path)
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)} {e.RoutePattern.RawText}")
            .ToLookup(route => route.Split(' ')[1].StartsWith(prefix + "/", StringComparison.Ordinal));

        Assert.Equal("api", prefix);
        Assert.Equal(declared, served[true].Order(StringComparer.Ordinal));
        // Beside the functions, only the standalone host's own: the OpenAPI document, (Development) the demo's routes, and
        // metrics (under the Functions host metrics go to Azure Monitor).
        Assert.Equal(["GET /dev/config", "GET /openapi.json", "POST /dev/token"], served[false].Order(StringComparer.Ordinal));
        Assert.Single(endpoints, e => e.RoutePattern.RawText == MetricsEndpoint.Path);
    }

    [Fact]
    public void TheStandInBuildIsNotDeployableItsExtensionsLackServiceBus()
    {
        // The deployable build (-p:ServiceBusExtension=official) lists Microsoft.Azure.WebJobs.Extensions.ServiceBus here.
        var extensions = File.ReadAllText(AppOutput.File("extensions.json"));

        Assert.DoesNotContain("ServiceBus", extensions, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, JsonElement> ReadTriggers()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(AppOutput.File("functions.metadata")));
        return metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).Clone());
    }
}
