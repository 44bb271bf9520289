using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

/// GET /api/payment-methods: the caller's saved cards (id, brand, last4, expiry month/year).
public sealed class ListPaymentMethodsFunction(SavedCards cards, StripeBackoff backoff, ILogger<ListPaymentMethodsFunction> logger)
{
    [Function("ListPaymentMethods")]
    [Authorize]
    public async Task<Results<Ok<SavedCardList>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payment-methods")] HttpRequest request, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(new SavedCardList(await cards.ListAsync(request.HttpContext.User.UserId(), ct)));
        }
        catch (Exception ex) when (ex is StripeException || StripeFailure.IsUnreachable(ex, ct))
        {
            return SavedCardProblems.StripeDown(request.HttpContext, ex, backoff, logger);
        }
    }
}

/// The answer's shape, {"data": [...]}, as Stripe's own lists have it.
public sealed record SavedCardList(IReadOnlyList<SavedCardView> Data);
