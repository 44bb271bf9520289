using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Webhooks;

/// Anonymous on purpose: Stripe authenticates with the signature over the raw body, checked before anything else.
/// The body is read from HttpRequest as sent (no binding converts it first).
public sealed class StripeWebhookFunction(
    StripeSignatureVerifier verifier, WebhookProcessor processor, FaultInjection faults, IOptions<StripeOptions> options, ILogger<StripeWebhookFunction> logger)
{
    [Function("StripeWebhook")]
    public async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/stripe")] HttpRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = await RawBody.ReadAsync(request, settings.MaxWebhookBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Webhook bodies are limited to {settings.MaxWebhookBytes} bytes.");
        }

        if (verifier.Verify(request.Headers["Stripe-Signature"], body) is { } reason)
        {
            logger.LogWarning("Rejected a Stripe webhook: {Reason}", reason);
            return Problem(StatusCodes.Status400BadRequest, "Invalid Stripe signature", reason);
        }

        StripeEvent stripeEvent;
        try
        {
            stripeEvent = StripeEvent.Parse(body);
        }
        catch (FormatException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed Stripe event", ex.Message);
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["StripeEventId"] = stripeEvent.Id });
        if (stripeEvent.Livemode != settings.LiveMode)
        {
            return Problem(StatusCodes.Status400BadRequest, "Wrong mode", $"This endpoint takes {(settings.LiveMode ? "live" : "test")}-mode events; {stripeEvent.Id} is {(stripeEvent.Livemode ? "live" : "test")}.");
        }

        faults.Reached(FaultInjection.WebhookAfterVerify);

        // Answer before Stripe gives up on us: a slow store is better reported as 503 (Stripe redelivers, the
        // inbox makes that safe) than left to time out at Stripe's end while we keep working.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds));
        try
        {
            var outcome = await processor.ProcessAsync(stripeEvent, deadline.Token);
            return TypedResults.Ok(new WebhookAnswer(true, stripeEvent.Id, outcome.ToString().ToLowerInvariant()));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Webhook processing timed out", $"{stripeEvent.Id} was not fully processed within {settings.WebhookTimeoutSeconds} s; redeliver it.");
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);

    public sealed record WebhookAnswer(bool Received, string EventId, string Outcome);
}
