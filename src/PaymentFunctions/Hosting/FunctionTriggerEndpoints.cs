using PaymentFunctions.Bookings;
using PaymentFunctions.Messaging;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Hosting;

/// The routes the Functions host calls for non-HTTP triggers when the app runs as a custom handler.
/// They sit outside /api, so the HTTP function (route api/{*route}) never proxies outside traffic to them,
/// and the app listens on loopback only under the host. A failure answers 500, which fails the invocation:
/// Service Bus redelivers the message, the timer runs again at its next tick.
public static class FunctionTriggerEndpoints
{
    public static IEndpointRouteBuilder MapFunctionTriggers(this IEndpointRouteBuilder app)
    {
        app.MapPost($"/{BookingPaymentEventsFunction.Name}", async (FunctionInvocationRequest invocation, BookingPaymentEventsFunction function, CancellationToken ct) =>
        {
            await function.HandleAsync(invocation, ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty());
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost($"/{StripeReconciliation.Name}", async (StripeReconciliation reconciliation, CancellationToken ct) =>
        {
            var run = await reconciliation.RunAsync(ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty($"Listed {run.Listed} Stripe event(s), stored {run.Stored} missing one(s)."));
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost($"/{BookingExpiry.Name}", async (BookingExpiry expiry, CancellationToken ct) =>
        {
            var expired = await expiry.RunAsync(ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty($"Expired {expired} booking(s)."));
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost($"/{OutboxSweeper.Name}", async (OutboxSweeper sweeper, CancellationToken ct) =>
        {
            var sent = await sweeper.RunAsync(ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty($"Sent {sent} left-over outbox message(s)."));
        }).AllowAnonymous().ExcludeFromDescription();

        return app;
    }
}
