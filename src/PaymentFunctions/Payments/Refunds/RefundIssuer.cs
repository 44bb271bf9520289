using PaymentFunctions.Bookings;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Refunds;

/// Asks Stripe for one refund of a paid booking and records it. The caller gives the Stripe Idempotency-Key: a
/// retry after a crash between Stripe's answer and our write, or a concurrent twin, gets the same refund back, and
/// recording it again writes the same row. Stripe itself never refunds more than is left; its refusal is a 409.
/// Nothing takes turns here: concurrent refunds of one booking are kept apart by Stripe (the key, and its own limit on
/// what is left to refund), and their rows by the refund id, exactly as they are across instances.
public sealed class RefundIssuer(PaymentTables tables, StripeClient stripe, StripeBackoff backoff, FaultInjection faults, ILogger<RefundIssuer> logger)
{
    /// Metadata naming the Stripe key a refund was asked for under (see <see cref="CreateOnceAsync"/>).
    public const string KeyMetadata = "refundKey";
    private static readonly HashSet<string> NothingLeftCodes = ["charge_already_refunded", "amount_too_large"];

    /// Everything refunded so far as far as we know: Stripe's cumulative amount from its events, or the sum of the
    /// refunds we recorded, whichever is more (each may lag the other).
    public static long RefundedSoFar(Booking booking, IEnumerable<RefundRecord> records)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return Math.Max(booking.Facts.RefundedAmount, records.Where(r => !r.Failed).Sum(r => r.Amount));
    }

    /// Refunds <paramref name="amount"/> (null: everything left) of the booking's paid intent.
    public async Task<RefundResult> RefundAsync(Booking booking, long? amount, string reason, string kind, string requestedBy, string idempotencyKey, IReadOnlyList<RefundRecord> recorded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var intentId = booking.Facts.SucceededIntentId ?? booking.PaymentIntentId
            ?? throw new InvalidOperationException($"Booking {booking.Id} has no PaymentIntent to refund.");
        try
        {
            var refund = await CreateOnceAsync(CreateOptions(booking, intentId, amount, reason, kind, idempotencyKey), intentId, idempotencyKey, cancellationToken);
            faults.Reached(FaultInjection.RefundAfterStripe);
            var record = RefundRecord.Of(booking.Id, refund, kind, requestedBy);
            await record.RecordAsync(tables, cancellationToken);
            logger.LogInformation("Refund {RefundId} of {Amount} {Currency} minor units ({Kind}, {Status}, Stripe request {RequestId}) recorded for booking {BookingId}", refund.Id, refund.Amount, record.Currency, kind, refund.Status, refund.StripeResponse?.RequestId, booking.Id);
            var others = recorded.Where(r => r.RefundId != record.RefundId);
            return new RefundResult(RefundOutcome.Refunding, Answer(booking, [.. others, record], record));
        }
        catch (StripeException ex)
        {
            return Failed(ex, booking.Id);
        }
        catch (Exception ex) when (StripeFailure.IsUnreachable(ex, cancellationToken))
        {
            return Unreachable(ex, booking.Id);
        }
    }

    /// Stripe keeps a 5xx under its key for 24 h, so that key can never succeed. Whether Stripe made the refund before
    /// failing is for Stripe to say: our refunds carry their key in metadata, so it is looked for among the intent's
    /// refunds, and only when it is not there is the refund asked for again, under a second key.
    private async Task<Refund> CreateOnceAsync(RefundCreateOptions options, string intentId, string idempotencyKey, CancellationToken cancellationToken)
    {
        try
        {
            return await stripe.V1.Refunds.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);
        }
        catch (StripeException ex) when (StripeFailure.IsReplayed(ex) && StripeFailure.IsServerError(ex))
        {
            logger.LogWarning("Stripe replays a {Status} for {Key} (request {RequestId}); looking for the refund among {IntentId}'s", (int)ex.HttpStatusCode, idempotencyKey, StripeFailure.RequestId(ex), intentId);
            await foreach (var existing in stripe.V1.Refunds.ListAutoPagingAsync(new RefundListOptions { PaymentIntent = intentId, Limit = 100 }, cancellationToken: cancellationToken))
            {
                if (existing.Metadata?.GetValueOrDefault(KeyMetadata) == idempotencyKey)
                {
                    return existing;
                }
            }

            return await stripe.V1.Refunds.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey + ":after-5xx" }, cancellationToken);
        }
    }

    /// What a Stripe refusal means for a refund or cancel of the booking.
    public RefundResult Failed(StripeException exception, string bookingId)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // Fields only, never ex.Message: it is the server's text, and a proxy or emulator might echo a key in it.
        var requestId = StripeFailure.RequestId(exception);
        var error = exception.StripeError;
        logger.LogWarning("Stripe answered {Status} {Type}/{Code} {Reason} (request {RequestId}) while refunding or cancelling booking {BookingId}", (int)exception.HttpStatusCode, error?.Type, error?.Code, StripeFailure.RateLimitedReason(exception), requestId, bookingId);
        if (StripeFailure.IsRateLimited(exception))
        {
            return RefundResult.RateLimited(requestId, backoff.Delay(exception, attempt: 1));
        }

        if (error?.Code is { } code && NothingLeftCodes.Contains(code))
        {
            return RefundResult.Conflict($"Stripe refused: the amount is more than is left to refund on the payment ({code}).");
        }

        return StripeFailure.IsTransient(exception)
            ? RefundResult.Unavailable(requestId)
            : new RefundResult(RefundOutcome.StripeRefused, Detail: $"Stripe refused the request ({error?.Type ?? "error"}{(error?.Code is { } c ? "/" + c : "")}).", StripeRequestId: requestId);
    }

    public RefundResult Unreachable(Exception exception, string bookingId)
    {
        ArgumentNullException.ThrowIfNull(exception);
        logger.LogWarning("Stripe could not be reached while refunding or cancelling booking {BookingId}, retries included: {Error}", bookingId, exception.Message);
        return RefundResult.Unavailable(null);
    }

    public static RefundAnswer Answer(Booking booking, IReadOnlyList<RefundRecord> records, RefundRecord? refund)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return new(booking.Id, booking.Status, booking.Amount, RefundedSoFar(booking, records), booking.Currency, refund is null ? null : RefundView.Of(refund),
            [.. records.OrderBy(r => r.CreatedAt).Select(RefundView.Of)]);
    }

    /// Everything the app sends to create a refund (the contract test checks it against Stripe's spec). A booking paid
    /// through Checkout marks its refunds as such, so that their webhooks look up the session (<see cref="CheckoutMetadata"/>).
    internal static RefundCreateOptions CreateOptions(Booking booking, string intentId, long? amount, string reason, string kind, string idempotencyKey)
    {
        var metadata = new Dictionary<string, string> { ["bookingId"] = booking.Id, ["kind"] = kind, [KeyMetadata] = idempotencyKey };
        if (booking.CheckoutSessionId is not null)
        {
            metadata[CheckoutMetadata.FlowKey] = CheckoutMetadata.CheckoutFlow;
        }

        return new() { PaymentIntent = intentId, Amount = amount, Reason = reason, Metadata = metadata };
    }
}
