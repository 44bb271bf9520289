using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Bookings;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Payments;

public static class PaymentEndpoints
{
    /// How long the SPA should wait before retrying when Stripe is unavailable.
    private const string StripeRetryAfterSeconds = "5";

    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddSingleton<PaymentIntentIssuer>();
        services.AddSingleton<PaymentStatusReader>();
        services.AddIdempotencyKeys();
        return services;
    }

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/api/payments").RequireAuthorization(AuthSetup.SpaPolicy);
        payments.MapPost("/intents", CreateIntentAsync).WithName("CreatePaymentIntent");
        payments.MapGet("/{bookingId}", GetStatusAsync).WithName("GetPaymentStatus");
        return app;
    }

    private static async Task<IResult> CreateIntentAsync(HttpContext http, PaymentIntentIssuer issuer, IdempotencyKeys keys, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<CreateIntentRequest>(http.Request, ct);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Value!.BookingId is not { Length: > 0 } bookingId)
        {
            return JsonBody.Invalid("bookingId", "bookingId is required.");
        }

        var userId = http.User.UserId();
        return await keys.ExecuteAsync(http, userId, body.Raw, async () => Map(http, await issuer.IssueAsync(userId, bookingId, ct)));
    }

    private static Results<Created<IntentView>, Ok<IntentView>, ProblemHttpResult> Map(HttpContext http, IntentResult result)
    {
        var stripeRequest = new Dictionary<string, object?> { ["stripeRequestId"] = result.StripeRequestId };
        switch (result.Outcome)
        {
            case IntentOutcome.Created:
                return TypedResults.Created($"/api/payments/{result.Intent!.BookingId}", result.Intent);
            case IntentOutcome.Existing:
                return TypedResults.Ok(result.Intent!);
            case IntentOutcome.NotFound:
                return BookingEndpoints.NotFound();
            case IntentOutcome.NotPayable:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Booking cannot be paid", detail: result.Detail);
            case IntentOutcome.StripeRefused:
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the payment", detail: result.Detail, extensions: stripeRequest);
            default:
                http.Response.Headers.RetryAfter = StripeRetryAfterSeconds;
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is unavailable", detail: result.Detail, extensions: stripeRequest);
        }
    }

    private static async Task<Results<Ok<PaymentStatusView>, ProblemHttpResult>> GetStatusAsync(string bookingId, HttpContext http, PaymentStatusReader reader, CancellationToken ct) =>
        await reader.ReadAsync(http.User.UserId(), bookingId, ct) is { } status ? TypedResults.Ok(status) : BookingEndpoints.NotFound();
}
