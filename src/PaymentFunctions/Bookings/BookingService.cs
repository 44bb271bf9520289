using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// Creates and reads the caller's bookings. The price comes from the catalogue, never from the request; a
/// booking belongs to the user who created it, and anyone else gets the same answer as for a missing one; staff read
/// any, each read in the audit trail.
public sealed class BookingService(
    PaymentTables tables,
    Catalog catalog,
    BookingIds ids,
    OpenBookingLimit openBookings,
    AuditTrail audit,
    IOptions<BookingOptions> options,
    TimeProvider time,
    ILogger<BookingService> logger)
{
    public const string CreatedCause = "booking.created";

    public async Task<BookingCreateResult> CreateAsync(string userId, CreateBookingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var price = request.TicketTypeId is { Length: > 0 } ticketTypeId ? catalog.Find(ticketTypeId) : null;
        if (price is null)
        {
            errors["ticketTypeId"] = [request.TicketTypeId is null ? "ticketTypeId is required." : "ticketTypeId is not a ticket type on sale."];
        }

        var max = options.Value.MaxQuantity;
        if (request.Quantity is not { } quantity || quantity < 1 || quantity > max)
        {
            errors["quantity"] = [request.Quantity is null ? "quantity is required." : $"quantity must be between 1 and {max}."];
            quantity = 0;
        }

        if (errors.Count > 0)
        {
            return new BookingCreateResult(BookingCreateOutcome.Invalid, Errors: errors);
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        var now = time.GetUtcNow();
        var booking = new Booking
        {
            Id = ids.Next(),
            UserId = userId,
            TicketTypeId = price!.TicketTypeId,
            Quantity = quantity,
            Amount = checked(price.UnitAmount * quantity),
            Currency = price.Currency,
            Status = BookingStatus.PENDING,
            CreatedAt = now,
            HoldExpiresAt = now + options.Value.HoldTime,
            UpdatedAt = now,
        };
        var created = new BookingHistoryEntry(now, null, BookingStatus.PENDING, CreatedCause, booking.Id, null);
        if (!await openBookings.TryClaimAsync(booking, now, cancellationToken))
        {
            logger.LogInformation("User {UserId} already holds {Max} open bookings; no booking created", userId, options.Value.MaxOpenBookingsPerUser);
            return new BookingCreateResult(BookingCreateOutcome.TooManyOpen, Limit: options.Value.MaxOpenBookingsPerUser);
        }

        await HoldIndex.AddAsync(tables, booking.Id, booking.HoldExpiresAt, cancellationToken);

        // One batch: a booking never exists without its first history row.
        try
        {
            await tables.Bookings.SubmitCheckedAsync(
                [new(TableTransactionActionType.Add, booking.ToEntity()), new(TableTransactionActionType.Add, created.ToEntity(booking.Id))],
                cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex is { FailedTransactionActionIndex: 0, Status: 409 })
        {
            if (!await WeStoredItAsync(booking, cancellationToken))
            {
                throw new InvalidOperationException($"Creating booking {booking.Id} failed: a booking with its id already exists.", ex);
            }
        }

        logger.LogInformation("Booking {BookingId} created for user {UserId}: {Quantity} x {TicketType}, {Amount} {Currency} minor units", booking.Id, userId, quantity, booking.TicketTypeId, booking.Amount, booking.Currency);
        return new BookingCreateResult(BookingCreateOutcome.Created, BookingView.Of(booking, [created]));
    }

    /// The pipeline retries a batch whose answer was lost; if the first attempt had committed, the retry meets our
    /// own row (409). Ids are 128 random bits, so a row with this id and our creation time is ours.
    private async Task<bool> WeStoredItAsync(Booking booking, CancellationToken cancellationToken)
    {
        var stored = await tables.Bookings.FindAsync(booking.Id, RowKeys.Booking, cancellationToken);
        return stored is not null && Booking.FromEntity(stored) is { } found && found.UserId == booking.UserId && found.CreatedAt == booking.CreatedAt;
    }

    public async Task<BookingView?> GetAsync(string userId, string bookingId, CancellationToken cancellationToken) =>
        await FindOwnedAsync(userId, bookingId, cancellationToken) is { } booking ? await ViewAsync(booking, cancellationToken) : null;

    /// Any user's booking as its owner sees it, for staff: a refund that failed is theirs to answer. The read is in the
    /// audit trail before the booking leaves.
    public async Task<BookingView?> GetForStaffAsync(string staffUserId, string bookingId, CancellationToken cancellationToken)
    {
        var booking = await FindAsync(bookingId, cancellationToken);
        var view = booking is null ? null : await ViewAsync(booking, cancellationToken);
        await audit.RecordAsync(new StaffAction(staffUserId, AuditActions.ReadBooking, bookingId), AuditTrail.Read, booking is null ? "no such booking" : $"owner {booking.UserId}", cancellationToken);
        return view;
    }

    private async Task<BookingView> ViewAsync(Booking booking, CancellationToken cancellationToken)
    {
        var history = new List<BookingHistoryEntry>();
        var filter = KeyFilters.InPartitionStartingWith(booking.Id, RowKeys.HistoryPrefix);
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            history.Add(BookingHistoryEntry.FromEntity(row));
        }

        return BookingView.Of(booking, history);
    }

    /// The booking if it exists and belongs to userId; null otherwise (the caller cannot tell which).
    public async Task<Booking?> FindOwnedAsync(string userId, string bookingId, CancellationToken cancellationToken) =>
        await FindAsync(bookingId, cancellationToken) is { } booking && booking.UserId == userId ? booking : null;

    /// Any user's booking, for staff; null when there is none with this id.
    public async Task<Booking?> FindAsync(string bookingId, CancellationToken cancellationToken)
    {
        if (!BookingIds.IsWellFormed(bookingId))
        {
            return null;
        }

        await tables.EnsureCreatedAsync(cancellationToken);
        var row = await tables.Bookings.FindAsync(bookingId, RowKeys.Booking, cancellationToken);
        return row is null ? null : Booking.FromEntity(row);
    }
}
