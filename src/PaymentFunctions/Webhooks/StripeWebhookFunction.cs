using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Webhooks;

/// POST /api/webhooks/stripe. The body is read from HttpRequest as sent (no binding converts it first).
public sealed class StripeWebhookFunction(WebhookReceiver receiver)
{
    /// Stripe retries a 5xx on its own schedule; Retry-After tells it (and any proxy in between) that this is load,
    /// not a broken endpoint.
    private const string RetryAfterSeconds = "5";

    [Function("StripeWebhook")]
    [AllowAnonymous] // Stripe authenticates with the signature over the raw body, checked before anything else.
    public async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/stripe")] HttpRequest request, CancellationToken cancellationToken)
    {
        var receipt = await receiver.ReceiveAsync(request.Body, request.ContentLength, request.Headers["Stripe-Signature"], cancellationToken);
        var status = receipt.Kind switch
        {
            WebhookReceiptKind.Processed => StatusCodes.Status200OK,
            WebhookReceiptKind.Rejected => StatusCodes.Status400BadRequest,
            WebhookReceiptKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
            WebhookReceiptKind.TooSlow => StatusCodes.Status408RequestTimeout,
            WebhookReceiptKind.UnsupportedVersion => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status503ServiceUnavailable,
        };
        if (status == StatusCodes.Status200OK)
        {
            return TypedResults.Ok(new WebhookAnswer(true, receipt.EventId!, receipt.Outcome.ToString()!.ToLowerInvariant()));
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        return TypedResults.Problem(title: receipt.Title, detail: receipt.Detail, statusCode: status);
    }

    public sealed record WebhookAnswer(bool Received, string EventId, string Outcome);
}
