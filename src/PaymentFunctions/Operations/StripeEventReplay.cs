using System.Net;
using System.Text.Json.Serialization;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using PaymentFunctions.Webhooks;
using Stripe;

namespace PaymentFunctions.Operations;

[JsonConverter(typeof(JsonStringEnumConverter<ReplayOutcome>))]
public enum ReplayOutcome
{
    /// Stored now and published: its booking moves once the consumer applies it.
    Stored,

    /// Stored before (its webhook, reconciliation or an earlier replay): nothing changed.
    AlreadyStored,

    /// A type the app does not publish: recorded as ignored, as its webhook would have been.
    Ignored,

    /// Still no booking of ours (or still not mappable): recorded again for a person; fix the source first.
    Unmatched,
    Unprocessable,

    /// Stripe has no such event (events are kept 30 days).
    NotFound,

    /// Of another API release, or with a field of the wrong shape: nothing stored.
    Unreadable,
    StripeRefused,
    StripeUnavailable,
    StripeRateLimited,
}

public sealed record ReplayResult(ReplayOutcome Outcome, string EventId, string? Type = null, string? BookingId = null, string? Detail = null, string? StripeRequestId = null, TimeSpan? RetryAfter = null);

/// A Stripe event replayed by id: fetched from Stripe (GET /v1/events/{id} - an answer to our key proves it is
/// Stripe's, as a signature does for a webhook), checked as reconciliation checks what it lists, and fed through the
/// same WebhookProcessor, so the inbox makes the replay of an event already applied a no-op. Once stored, its
/// unmatched or unprocessable record is cleared: it needs no person any more. Audited: the Stripe read first (it
/// changes nothing and names the booking), then "requested" in that booking's trail, the pipeline, "done".
public sealed class StripeEventReplay(StripeClient stripe, BookingResolver resolver, WebhookProcessor processor, PaymentTables tables, AuditTrail audit, StripeBackoff backoff, ILogger<StripeEventReplay> logger)
{
    public async Task<ReplayResult> ReplayAsync(string staffUserId, string eventId, string idempotencyKey, CancellationToken cancellationToken)
    {
        var action = new StaffAction(staffUserId, AuditActions.ReplayStripeEvent, Target: eventId, IdempotencyKey: idempotencyKey);
        var (fetched, failure) = await FetchAsync(eventId, cancellationToken);
        if (failure is not null)
        {
            return await RefusedAsync(action, failure, cancellationToken);
        }

        var stripeEvent = fetched!;
        if (FetchedEvents.Refusal(stripeEvent) is { } refusal)
        {
            return await RefusedAsync(action, new ReplayResult(ReplayOutcome.Unreadable, eventId, stripeEvent.Type, Detail: refusal), cancellationToken);
        }

        var bookingId = (await resolver.ResolveAsync(stripeEvent, cancellationToken))?.BookingId;
        var outcome = await audit.RunAsync(action with { BookingId = bookingId }, () => processor.ProcessAsync(stripeEvent, cancellationToken), o => o.ToString(), cancellationToken);
        if (outcome is WebhookOutcome.Stored or WebhookOutcome.Duplicate)
        {
            await StripeEventRecords.ClearAsync(tables, stripeEvent, cancellationToken);
        }

        logger.LogWarning("Stripe event {EventId} ({Type}) replayed by {StaffUserId}: {Outcome}", eventId, stripeEvent.Type, staffUserId, outcome);
        return new ReplayResult(Of(outcome), eventId, stripeEvent.Type, bookingId);
    }

    /// Nothing was stored: one row says who tried, and why it went no further.
    private async Task<ReplayResult> RefusedAsync(StaffAction action, ReplayResult refused, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(action, AuditTrail.Refused, refused.Outcome.ToString(), cancellationToken);
        return refused;
    }

    /// The event, or (without it) why there is none.
    private async Task<(Event? Event, ReplayResult? Refused)> FetchAsync(string eventId, CancellationToken cancellationToken)
    {
        try
        {
            return (await stripe.V1.Events.GetAsync(eventId, cancellationToken: cancellationToken), null);
        }
        catch (StripeException ex)
        {
            // Fields only, never ex.Message: it is the server's text.
            var requestId = StripeFailure.RequestId(ex);
            logger.LogWarning("Stripe answered {Status} {Code} (request {RequestId}) to GET /v1/events/{EventId}", (int)ex.HttpStatusCode, ex.StripeError?.Code, requestId, eventId);
            return (null, ex.HttpStatusCode == HttpStatusCode.NotFound ? new ReplayResult(ReplayOutcome.NotFound, eventId)
                : StripeFailure.IsRateLimited(ex) ? new ReplayResult(ReplayOutcome.StripeRateLimited, eventId, StripeRequestId: requestId, RetryAfter: backoff.Delay(ex, attempt: 1))
                : StripeFailure.IsTransient(ex) ? new ReplayResult(ReplayOutcome.StripeUnavailable, eventId, StripeRequestId: requestId)
                : new ReplayResult(ReplayOutcome.StripeRefused, eventId, Detail: $"Stripe refused the request ({ex.StripeError?.Type ?? "error"}).", StripeRequestId: requestId));
        }
        catch (Exception ex) when (StripeFailure.IsUnreachable(ex, cancellationToken))
        {
            logger.LogWarning("Stripe could not be reached for GET /v1/events/{EventId}, retries included: {Error}", eventId, ex.Message);
            return (null, new ReplayResult(ReplayOutcome.StripeUnavailable, eventId));
        }
    }

    private static ReplayOutcome Of(WebhookOutcome outcome) => outcome switch
    {
        WebhookOutcome.Stored => ReplayOutcome.Stored,
        WebhookOutcome.Duplicate => ReplayOutcome.AlreadyStored,
        WebhookOutcome.Ignored => ReplayOutcome.Ignored,
        WebhookOutcome.Unmatched => ReplayOutcome.Unmatched,
        _ => ReplayOutcome.Unprocessable,
    };
}
