using System.Globalization;
using PaymentFunctions.Bookings;
using PaymentFunctions.Contracts;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Operations;

/// An outbox cause whose rows may still be unsent: a pending-outbox entry the sweeper has not cleared. It may be
/// stale (the rows went, the entry not yet): the sweeper then drops it.
public sealed record StuckOutboxEntry(string BookingId, string Cause, DateTimeOffset MarkedAt);

/// What needs a person, and the audit trail, a page at a time. Every call is in the audit trail: one row, written
/// before the page leaves, in the day's partition (these reads concern no one booking); reads of the trail itself in
/// the day's trail-reads partition (<see cref="AuditTrail.RecordTrailReadAsync"/>).
public sealed class AttentionLists(PaymentTables tables, IDeadLetters deadLetters, PendingOutbox pending, AuditTrail audit, TimeProvider time)
{
    /// The subscription this app consumes, whose dead letters are its own to look at.
    public static readonly DeadLetterSource Consumed = new(EventTypes.PaymentsTopic, BookingPaymentEventsFunction.Subscription);

    public Task<ListPage<StripeEventRecord>?> StripeEventsAsync(string staffUserId, string kind, string? type, PageQuery page, CancellationToken cancellationToken) =>
        AuditedAsync(
            new StaffAction(staffUserId, AuditActions.ListStripeEvents, Target: type is null ? kind : $"{kind}/{type}"),
            StripeEventRecords.ListAsync(tables, kind, type, page.PageSize, page.Cursor, cancellationToken),
            cancellationToken);

    public Task<ListPage<DeadLetter>?> DeadLettersAsync(string staffUserId, PageQuery page, CancellationToken cancellationToken) =>
        AuditedAsync(
            new StaffAction(staffUserId, AuditActions.ListDeadLetters, Target: $"{Consumed.Topic}/{Consumed.Subscription}"),
            deadLetters.ListAsync(Consumed, page.PageSize, page.Cursor, cancellationToken),
            cancellationToken);

    public async Task<ListPage<StuckOutboxEntry>?> StuckOutboxAsync(string staffUserId, TimeSpan olderThan, PageQuery page, CancellationToken cancellationToken)
    {
        var entries = await AuditedAsync(
            new StaffAction(staffUserId, AuditActions.ListStuckOutbox, Target: "older than " + olderThan.ToString("c", CultureInfo.InvariantCulture)),
            pending.ReadPageAsync(time.GetUtcNow() - olderThan, page.PageSize, page.Cursor, cancellationToken),
            cancellationToken);
        return entries is null ? null : new ListPage<StuckOutboxEntry>([.. entries.Items.Select(e => new StuckOutboxEntry(e.BookingId, e.CausationId, e.MarkedAt))], entries.Next);
    }

    public async Task<ListPage<AuditEntry>?> AuditAsync(string staffUserId, string bookingId, PageQuery page, CancellationToken cancellationToken)
    {
        var entries = await audit.ListAsync(bookingId, page.PageSize, page.Cursor, cancellationToken);
        await audit.RecordTrailReadAsync(new StaffAction(staffUserId, AuditActions.ReadAudit, Target: "booking " + bookingId), Describe(entries), cancellationToken);
        return entries;
    }

    public async Task<ListPage<AuditEntry>?> AuditAsync(string staffUserId, DateOnly day, PageQuery page, CancellationToken cancellationToken)
    {
        var entries = await audit.ListAsync(day, page.PageSize, page.Cursor, cancellationToken);
        await audit.RecordTrailReadAsync(new StaffAction(staffUserId, AuditActions.ReadAudit, Target: "day " + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), Describe(entries), cancellationToken);
        return entries;
    }

    private async Task<ListPage<T>?> AuditedAsync<T>(StaffAction action, Task<ListPage<T>?> reading, CancellationToken cancellationToken)
    {
        var page = await reading;
        await audit.RecordAsync(action, page is null ? AuditTrail.Refused : AuditTrail.Read, Describe(page), cancellationToken);
        return page;
    }

    private static string Describe<T>(ListPage<T>? page) =>
        page is null ? "cursor refused" : string.Create(CultureInfo.InvariantCulture, $"{page.Items.Count} item(s){(page.Next is null ? "" : ", more")}");
}
