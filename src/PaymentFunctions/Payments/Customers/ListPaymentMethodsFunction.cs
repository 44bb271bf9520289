using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

/// GET /api/payment-methods: the caller's saved cards (id, brand, last4, expiry month/year).
public sealed class ListPaymentMethodsFunction(SpaAuthorization auth, SavedCards cards, ILogger<ListPaymentMethodsFunction> logger)
{
    [Function("ListPaymentMethods")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payment-methods")] HttpRequest request, CancellationToken ct)
    {
        if (await auth.DenyAsync(request.HttpContext) is { } denied)
        {
            return denied;
        }

        try
        {
            return TypedResults.Ok(new { data = await cards.ListAsync(request.HttpContext.User.UserId(), ct) });
        }
        catch (Exception ex) when (ex is StripeException || StripeFailure.IsUnreachable(ex, ct))
        {
            return SavedCardProblems.StripeDown(request.HttpContext, ex, logger);
        }
    }
}
