using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PaymentFunctions.Storage;

/// Every key format of the service's tables, in one place, so no feature spells a key and no caller-chosen id
/// reaches a key unescaped. Partition keys of the Bookings table are booking ids (well-formed by construction);
/// the other partition keys are formats too and live here. '|' separates the parts of our own keys.
public static class RowKeys
{
    // Bookings table, partition = booking id.
    public const string Booking = "booking";
    public const string PaymentFactPrefix = "payment|";
    public const string InboxPrefix = "inbox|";
    public const string StripeInboxPrefix = InboxPrefix + "stripe|";
    public const string OutboxPrefix = "outbox|";
    public const string HistoryPrefix = "history|";
    public const string DeadLetterPrefix = "deadletter|";
    public const string RefundPrefix = "refund|";
    public const string IntentPrefix = "intent|";
    public const string UnissuedIntentPrefix = "unissued-intent|";

    // Lookups table.
    public const string IntentIndexRow = "booking";
    public const string HoldPrefix = "hold|";
    public const string PendingOutboxPrefix = "outbox-pending|";
    public const string RetentionPrefix = "retention|";

    /// Every record of a Stripe event that was not published, of any kind and type: one key range of Lookups.
    public const string StripeEventRecordPrefix = "stripe-event|";
    public const string CheckpointPartition = "checkpoint";
    public const string TimerLeasePartition = "timer-lease";
    public const string StripeEventsCheckpointRow = "stripe-events";
    public const string CustomerOfUserRow = "customer";
    public const string UserOfCustomerRow = "user";

    /// The inbox row of one cause (an inbound message id, an expiry run): its existence means "already applied".
    public static string Inbox(string causationId) => InboxPrefix + Part(causationId);

    /// The inbox row of a Stripe event (kept apart from message ids, which are chosen by other senders).
    public static string StripeInbox(string stripeEventId) => StripeInboxPrefix + Part(stripeEventId);

    /// A payment fact: what one Stripe event said about the booking's payment (appended, never updated).
    public static string PaymentFact(string stripeEventId) => PaymentFactPrefix + Part(stripeEventId);

    /// Outbox rows written for one cause share this prefix, so a redelivery of that cause finds exactly its own unsent messages.
    public static string OutboxFor(string causationId) => OutboxPrefix + Part(causationId) + "|";

    public static string Outbox(string causationId, string messageId) => OutboxFor(causationId) + Part(messageId);

    /// The (escaped) cause an outbox row key belongs to, for the sweeper to hand back to <see cref="OutboxFor"/>.
    public static string CausationOfOutbox(string outboxRowKey)
    {
        ArgumentNullException.ThrowIfNull(outboxRowKey);
        var parts = outboxRowKey.Split('|');
        return parts.Length == 3 && outboxRowKey.StartsWith(OutboxPrefix, StringComparison.Ordinal)
            ? parts[1]
            : throw new ArgumentException($"'{outboxRowKey}' is not an outbox row key.", nameof(outboxRowKey));
    }

    /// A message the in-process transport dead-lettered for one subscription: kept in the booking's partition
    /// for a person to look at. Outside <see cref="OutboxPrefix"/>, so the sweeper never resends it.
    public static string DeadLetter(string topic, string subscription, string messageId) =>
        DeadLetterPrefix + Part(topic) + "|" + Part(subscription) + "|" + Part(messageId);

    /// Fixed-width ticks first, so a booking's history reads back in order.
    public static string History(DateTimeOffset at, string causationId) =>
        HistoryPrefix + at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + Part(causationId);

    /// A refund we asked Stripe for (row in the booking's partition), keyed by Stripe's refund id.
    public static string Refund(string refundId) => RefundPrefix + Part(refundId);

    public static string Intent(int attempt) => IntentPrefix + attempt.ToString("D4", CultureInfo.InvariantCulture);

    /// A Checkout Session the booking created (attempt 1, 2, ...). Under <see cref="IntentPrefix"/>, so the one query
    /// of what a booking issued reads its sessions with its intents.
    public static string CheckoutSession(int attempt) => IntentPrefix + "checkout|" + attempt.ToString("D4", CultureInfo.InvariantCulture);

    /// A payment event for an intent the booking never issued (its metadata named the booking, but no
    /// <see cref="Intent"/> row holds it): kept in the booking's partition for a person, one row per message.
    public static string UnissuedIntent(string paymentIntentId, string causationId) =>
        UnissuedIntentPrefix + Part(paymentIntentId) + "|" + Part(causationId);

    /// Lookups partition of the PaymentIntent -> booking index (row <see cref="IntentIndexRow"/>).
    public static string IntentIndexPartition(string paymentIntentId) => Part(paymentIntentId);

    /// Lookups partition of the user -> Stripe customer mapping (row <see cref="CustomerOfUserRow"/>).
    public static string UserCustomerPartition(string userId) => "user|" + Part(userId);

    /// Lookups partition of the Stripe customer -> user mapping (row <see cref="UserOfCustomerRow"/>).
    public static string CustomerUserPartition(string customerId) => "customer|" + Part(customerId);

    /// Lookups partition of the hour a hold ends (row = booking id); fixed-width, so buckets sort like the times.
    public static string HoldBucket(DateTimeOffset holdExpiresAt) =>
        HoldPrefix + holdExpiresAt.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// Lookups partition of the pending-outbox index: the minute an entry was written. Fixed-width, so minutes sort
    /// like the times and "every minute before X" is one range of partition keys.
    public static string PendingOutboxBucket(DateTimeOffset at) =>
        PendingOutboxPrefix + at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// Lookups row of the pending-outbox index: one per booking and cause within a minute.
    public static string PendingOutboxRow(string bookingId, string causationId) => Part(bookingId) + "|" + Part(causationId);

    /// Lookups partitions of the retention index for one kind of row (<see cref="RetentionBucket"/>).
    public static string RetentionKindPrefix(string kind) => RetentionPrefix + Part(kind) + "|";

    /// Lookups partition of the retention index: the kind of row, then the minute its entries are filed under.
    /// Fixed-width, so "every minute of a kind before X" is one range of partition keys.
    public static string RetentionBucket(string kind, DateTimeOffset at) =>
        RetentionKindPrefix(kind) + at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// Lookups row of the retention index: the partition its rows are in, and the row when the entry stands for one.
    public static string RetentionEntry(string partitionKey, string? rowKey) =>
        rowKey is null ? Part(partitionKey) : Part(partitionKey) + "|" + Part(rowKey);

    /// Lookups partition of one user's open-booking slots (rows <see cref="OpenBookingSlot"/>): at most one row per
    /// slot, so an Add that meets a taken slot fails on every instance alike.
    public static string OpenBookingsPartition(string userId) => "open-bookings|" + Part(userId);

    public static string OpenBookingSlot(int slot) => "slot|" + slot.ToString("D4", CultureInfo.InvariantCulture);

    /// Lookups partition of one user's recent PaymentIntent calls, one row per call (<see cref="IntentCall"/>).
    public static string IntentCallsPartition(string userId) => "intent-calls|" + Part(userId);

    /// Fixed-width ticks first, so the time of a call is read back from its key (<see cref="IntentCallTime"/>).
    public static string IntentCall(DateTimeOffset at, string callId) =>
        at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + Part(callId);

    public static DateTimeOffset IntentCallTime(string intentCallRowKey)
    {
        ArgumentNullException.ThrowIfNull(intentCallRowKey);
        return intentCallRowKey.Length > 20 && intentCallRowKey[19] == '|' && long.TryParse(intentCallRowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw new ArgumentException($"'{intentCallRowKey}' is not an intent call row key.", nameof(intentCallRowKey));
    }

    /// Lookups partition for Stripe events we record without publishing (ignored, unmatched, unprocessable).
    public static string StripeEventRecordPartition(string kind, string type) => $"{StripeEventRecordPrefix}{Part(kind)}|{Part(type)}";

    public static string StripeEventRecordRow(string stripeEventId) => Part(stripeEventId);

    /// The partitions of every type of one kind share this prefix: listing a kind is one range of partition keys.
    public static string StripeEventRecordKindPrefix(string kind) => $"{StripeEventRecordPrefix}{Part(kind)}|";

    /// The (escaped) event type a record's partition key names.
    public static string StripeEventRecordType(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var parts = partitionKey.Split('|');
        return parts.Length == 3 && parts[0] == "stripe-event"
            ? parts[2]
            : throw new ArgumentException($"'{partitionKey}' is not a Stripe event record partition.", nameof(partitionKey));
    }

    /// Lookups partition indexing the messages the in-process transport dead-lettered for one subscription (row
    /// <see cref="DeadLetterIndexRow"/>), so they are listed without reading the Bookings table.
    public static string DeadLetterIndexPartition(string topic, string subscription) => DeadLetterPrefix + Part(topic) + "|" + Part(subscription);

    /// One row per MessageId: a requeue finds its dead letter by MessageId with one point read.
    public static string DeadLetterIndexRow(string messageId) => Part(messageId);

    /// Audit table partition of one booking's staff actions: "list per booking" is one partition query.
    public static string AuditBookingPartition(string bookingId) => "booking|" + Part(bookingId);

    /// Audit table partition of the staff actions of one UTC day that concern no booking (lists, replays of unmatched events).
    public static string AuditDayPartition(DateTimeOffset at) => "day|" + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// Audit table partition of one UTC day's reads of the trail itself: apart from what they read, so a paged read
    /// of a trail never meets the rows its own pages add.
    public static string AuditTrailReadsPartition(DateTimeOffset at) => "trail-reads|" + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// Fixed-width ticks first, so a partition reads back in time order; then the action (its rows share the id) and
    /// the phase, so the "requested" and "done" rows of one action never collide.
    public static string AuditRow(DateTimeOffset at, string actionId, string phase) =>
        at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + Part(actionId) + "|" + Part(phase);

    /// One lease row per timer function (Lookups), shared by every standalone instance on the storage account.
    public static string TimerLease(string functionName) => Part(functionName);

    /// IdempotencyKeys partition: the user, so keys are scoped per user.
    public static string IdempotencyPartition(string userId) => Part(userId);

    /// IdempotencyKeys row: SHA-256 of the client's key, so keys of any shape are table-safe.
    public static string IdempotencyRow(string idempotencyKey) => Sha256(idempotencyKey);

    /// Ids are chosen by others (senders, Stripe, identity providers); table keys may not contain / \ # ? or
    /// control characters, must stay short and be text (a lone UTF-16 surrogate cannot travel as UTF-8), and '|'
    /// separates our parts. Unsafe ids become their SHA-256 (idempotent: an escaped part is safe and stays as it is).
    public static string Part(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length is > 0 and <= 200 && IsPlainText(id) && !id.Any(c => c is '/' or '\\' or '#' or '?' or '|')
            ? id
            : Hashed(id);
    }

    /// An id as its SHA-256, for where the id itself cannot go (a table key, an HTTP header).
    public static string Hashed(string id) => "sha256-" + Sha256(id);

    /// Well-formed UTF-16 (no lone surrogate) without control characters: what can be stored, logged and
    /// compared as the same text after a round trip through UTF-8.
    public static bool IsPlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done || Rune.IsControl(rune))
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
