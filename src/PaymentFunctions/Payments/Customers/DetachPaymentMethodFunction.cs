using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

/// DELETE /api/payment-methods/{id}: detaches one of the caller's saved cards (204); another user's card is a 404
/// exactly like a missing one.
public sealed class DetachPaymentMethodFunction(SpaAuthorization auth, SavedCards cards, ILogger<DetachPaymentMethodFunction> logger)
{
    [Function("DetachPaymentMethod")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "payment-methods/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        if (await auth.DenyAsync(request.HttpContext) is { } denied)
        {
            return denied;
        }

        try
        {
            return await cards.DetachAsync(request.HttpContext.User.UserId(), id, ct)
                ? TypedResults.NoContent()
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Payment method not found", detail: "There is no saved card with this id for the signed-in user.");
        }
        catch (Exception ex) when (ex is StripeException || StripeFailure.IsUnreachable(ex, ct))
        {
            return SavedCardProblems.StripeDown(request.HttpContext, ex, logger);
        }
    }
}

internal static class SavedCardProblems
{
    /// Stripe refused or could not be reached: nothing changed here; a 503 with Retry-After, or 502 for a refusal.
    public static IResult StripeDown(HttpContext http, Exception exception, ILogger logger)
    {
        var stripe = exception as StripeException;
        logger.LogWarning("Stripe answered {Status} {Type}/{Code} (request {RequestId}) for saved cards", (int?)stripe?.HttpStatusCode, stripe?.StripeError?.Type, stripe?.StripeError?.Code, stripe is null ? null : StripeFailure.RequestId(stripe));
        if (stripe is not null && !StripeFailure.IsTransient(stripe))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the request", extensions: new Dictionary<string, object?> { ["stripeRequestId"] = StripeFailure.RequestId(stripe) });
        }

        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Stripe is unavailable", detail: "Stripe could not be reached or is unavailable; retry in a few seconds.");
    }
}
