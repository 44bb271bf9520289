using PaymentFunctions.Bookings;
using PaymentFunctions.Messaging;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Hosting;

/// The routes the Functions host calls for non-HTTP triggers when the app runs as a custom handler.
/// They sit outside /api, so the HTTP function (route api/{*route}) never proxies outside traffic to them, and
/// they answer direct loopback callers only: a forged "payment succeeded" must never reach the booking function.
/// A standalone production app (no Functions host) does not map them at all - it has no use for them.
/// A failure answers 500, which fails the invocation: Service Bus redelivers the message, the timer runs again.
public static class FunctionTriggerEndpoints
{
    public static IEndpointRouteBuilder MapFunctionTriggers(this IEndpointRouteBuilder app, IHostEnvironment environment)
    {
        if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is not { Length: > 0 } && environment.IsProduction())
        {
            return app;
        }

        var triggers = app.MapGroup("").AllowAnonymous().ExcludeFromDescription().AddEndpointFilter(LoopbackOnly);
        triggers.MapPost($"/{BookingPaymentEventsFunction.Name}", async (FunctionInvocationRequest invocation, BookingPaymentEventsFunction function, CancellationToken ct) =>
        {
            await function.HandleAsync(invocation, ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty());
        });

        triggers.MapPost($"/{StripeReconciliation.Name}", async (StripeReconciliation reconciliation, CancellationToken ct) =>
        {
            var run = await reconciliation.RunAsync(ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty($"Listed {run.Listed} Stripe event(s), stored {run.Stored} missing one(s)."));
        });

        triggers.MapPost($"/{BookingExpiry.Name}", async (BookingExpiry expiry, CancellationToken ct) =>
        {
            var expired = await expiry.RunAsync(ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty($"Expired {expired} booking(s)."));
        });

        triggers.MapPost($"/{OutboxSweeper.Name}", async (OutboxSweeper sweeper, CancellationToken ct) =>
        {
            var sent = await sweeper.RunAsync(ct);
            return TypedResults.Ok(FunctionInvocationResult.Empty($"Sent {sent} left-over outbox message(s)."));
        });

        return app;
    }

    // A request that came through a proxy on this machine also arrives from loopback, but carries its marks.
    private static async ValueTask<object?> LoopbackOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var direct = http.Connection.RemoteIpAddress is { } caller && System.Net.IPAddress.IsLoopback(caller)
            && !http.Request.Headers.ContainsKey("X-Forwarded-For") && !http.Request.Headers.ContainsKey("Forwarded");
        return direct ? await next(context) : TypedResults.NotFound();
    }
}
