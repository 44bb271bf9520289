using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Webhooks;

/// Anonymous on purpose: Stripe authenticates with the signature over the raw body, checked before anything else.
/// The body is read from HttpRequest as sent (no binding converts it first).
public sealed class StripeWebhookFunction(
    StripeSignatureVerifier verifier, WebhookProcessor processor, WebhookAdmission admission, FaultInjection faults, IOptions<StripeOptions> options, ILogger<StripeWebhookFunction> logger)
{
    [Function("StripeWebhook")]
    public async Task<Results<Ok<WebhookAnswer>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/stripe")] HttpRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // Answer before Stripe gives up on us: a slow store is better reported as 503 (Stripe redelivers, the
        // inbox makes that safe) than left to time out at Stripe's end while we keep working.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds));

        // A turn before the body is even read: a webhook waiting for one holds only its connection (no body, no
        // parsed event that would outlive collections while it waits), and one refused was not read at all.
        using var turn = await TryEnterAsync(deadline, cancellationToken);
        if (turn is null)
        {
            logger.LogWarning("Refused a Stripe webhook with 503: {Limit} webhooks were already being processed", settings.MaxConcurrentWebhooks);
            return Unavailable(request, "Too many webhooks at once", $"The webhook was not read: {settings.MaxConcurrentWebhooks} webhooks are being processed; redeliver it.");
        }

        var body = await RawBody.ReadAsync(request, settings.MaxWebhookBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Webhook bodies are limited to {settings.MaxWebhookBytes} bytes.");
        }

        // Stripe signs UTF-8 text; a body that is not UTF-8 cannot carry a valid signature.
        if (!StripePayload.TryDecode(body, out var payload))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid Stripe signature", "body is not UTF-8");
        }

        if (verifier.Verify(request.Headers["Stripe-Signature"], payload) is { } reason)
        {
            logger.LogWarning("Rejected a Stripe webhook: {Reason}", reason);
            return Problem(StatusCodes.Status400BadRequest, "Invalid Stripe signature", reason);
        }

        // The version first, from the raw JSON: Stripe.net's types fit only the version it pins.
        if (StripePayload.ReadHead(payload) is not var (eventId, apiVersion))
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed Stripe event", $"The body is not a Stripe event (a JSON object whose id is evt_ followed by at most {StripePayload.MaxEventIdLength - 4} letters, digits or underscores).");
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["StripeEventId"] = eventId });
        if (!StripeApiVersion.IsCompatible(apiVersion))
        {
            // Not 2xx, so Stripe keeps it and redelivers after the endpoint and the app are aligned; nothing stored.
            var mismatch = StripeApiVersion.Mismatch(eventId, apiVersion);
            logger.LogError("Refused a Stripe webhook: {Mismatch}", mismatch);
            return Problem(StatusCodes.Status409Conflict, "Unsupported Stripe API version", mismatch);
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ParseEvent(payload, throwOnApiVersionMismatch: false);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or StripeException or InvalidOperationException or FormatException or OverflowException)
        {
            // Stripe.net reads members with JsonElement's typed getters: a member of the wrong type throws
            // InvalidOperationException, a number out of range FormatException or OverflowException. Parsing is pure,
            // so whatever it throws means the (signed) body is not an event of this API version.
            return Problem(StatusCodes.Status400BadRequest, "Malformed Stripe event", $"{eventId} cannot be read as a Stripe event ({ex.GetType().Name}).");
        }

        if (stripeEvent.Data is null || string.IsNullOrEmpty(stripeEvent.Type))
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed Stripe event", $"{eventId} has no type or no data.");
        }

        if (StripeEventShape.Refusal(stripeEvent) is { } refusal)
        {
            logger.LogWarning("Refused a signed Stripe webhook: {Refusal}", refusal);
            return Problem(StatusCodes.Status400BadRequest, "Malformed Stripe event", refusal);
        }

        if (stripeEvent.Livemode != settings.LiveMode)
        {
            return Problem(StatusCodes.Status400BadRequest, "Wrong mode", $"This endpoint takes {(settings.LiveMode ? "live" : "test")}-mode events; {stripeEvent.Id} is {(stripeEvent.Livemode ? "live" : "test")}.");
        }

        faults.Reached(FaultInjection.WebhookAfterVerify);

        try
        {
            var outcome = await processor.ProcessAsync(stripeEvent, deadline.Token);
            return TypedResults.Ok(new WebhookAnswer(true, stripeEvent.Id, outcome.ToString().ToLowerInvariant()));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(request, "Webhook processing timed out", $"{stripeEvent.Id} was not fully processed within {settings.WebhookTimeoutSeconds} s; redeliver it.");
        }
    }

    /// No turn within the queue time, or the webhook's deadline came first: null, answered with 503.
    private async Task<IDisposable?> TryEnterAsync(CancellationTokenSource deadline, CancellationToken requestAborted)
    {
        try
        {
            return await admission.TryEnterAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            return null;
        }
    }

    /// Stripe retries a 5xx on its own schedule; Retry-After tells it (and any proxy in between) that this is load,
    /// not a broken endpoint.
    private static ProblemHttpResult Unavailable(HttpRequest request, string title, string detail)
    {
        request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Problem(StatusCodes.Status503ServiceUnavailable, title, detail);
    }

    private const string RetryAfterSeconds = "5";

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);

    public sealed record WebhookAnswer(bool Received, string EventId, string Outcome);
}
