using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

/// DELETE /api/payment-methods/{id}: detaches one of the caller's saved cards (204); another user's card is a 404
/// exactly like a missing one.
public sealed class DetachPaymentMethodFunction(SavedCards cards, StripeBackoff backoff, ILogger<DetachPaymentMethodFunction> logger)
{
    [Function("DetachPaymentMethod")]
    [Authorize]
    public async Task<Results<NoContent, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "payment-methods/{id}")] HttpRequest request, string id, CancellationToken ct)
    {
        try
        {
            return await cards.DetachAsync(request.HttpContext.User.UserId(), id, ct)
                ? TypedResults.NoContent()
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Payment method not found", detail: "There is no saved card with this id for the signed-in user.");
        }
        catch (Exception ex) when (ex is StripeException || StripeFailure.IsUnreachable(ex, ct))
        {
            return SavedCardProblems.StripeDown(request.HttpContext, ex, backoff, logger);
        }
    }
}
