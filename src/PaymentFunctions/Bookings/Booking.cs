using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Bookings;

/// A booking as stored in its partition's "booking" row. Amount is in minor units of Currency.
public sealed record Booking
{
    public required string Id { get; init; }

    public required string UserId { get; init; }

    public required string TicketTypeId { get; init; }

    public required int Quantity { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required BookingStatus Status { get; init; }

    public PaymentFacts Facts { get; init; } = PaymentFacts.None;

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset HoldExpiresAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// The PaymentIntent currently used to pay this booking, and which attempt created it (1, 2, ...).
    public string? PaymentIntentId { get; init; }

    public int IntentAttempt { get; init; }

    /// The Checkout Session currently used to pay this booking, and which attempt created it (1, 2, ...). A booking is
    /// paid one way at a time: recording a session clears PaymentIntentId, recording an intent clears this.
    public string? CheckoutSessionId { get; init; }

    public int CheckoutAttempt { get; init; }

    public ETag ETag { get; init; }

    public TableEntity ToEntity() => new(Id, RowKeys.Booking)
    {
        ["UserId"] = UserId,
        ["TicketTypeId"] = TicketTypeId,
        ["Quantity"] = Quantity,
        ["Amount"] = Amount,
        ["Currency"] = Currency,
        ["Status"] = Status.ToString(),
        ["Facts"] = JsonSerializer.Serialize(Facts, JsonOptions),
        ["CreatedAt"] = CreatedAt,
        ["HoldExpiresAt"] = HoldExpiresAt,
        ["UpdatedAt"] = UpdatedAt,
        ["PaymentIntentId"] = PaymentIntentId,
        ["IntentAttempt"] = IntentAttempt,
        ["CheckoutSessionId"] = CheckoutSessionId,
        ["CheckoutAttempt"] = CheckoutAttempt,
    };

    public static Booking FromEntity(TableEntity entity) => new()
    {
        Id = entity.PartitionKey,
        UserId = entity.GetString("UserId")!,
        TicketTypeId = entity.GetString("TicketTypeId")!,
        Quantity = entity.GetInt32("Quantity") ?? 0,
        Amount = entity.GetInt64("Amount") ?? 0,
        Currency = entity.GetString("Currency")!,
        Status = Enum.Parse<BookingStatus>(entity.GetString("Status")!),
        Facts = entity.GetString("Facts") is { Length: > 0 } facts ? JsonSerializer.Deserialize<PaymentFacts>(facts, JsonOptions)! : PaymentFacts.None,
        CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
        HoldExpiresAt = entity.GetDateTimeOffset("HoldExpiresAt") ?? default,
        UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? default,
        PaymentIntentId = entity.GetString("PaymentIntentId"),
        IntentAttempt = entity.GetInt32("IntentAttempt") ?? 0,
        CheckoutSessionId = entity.GetString("CheckoutSessionId"),
        CheckoutAttempt = entity.GetInt32("CheckoutAttempt") ?? 0,
        ETag = entity.ETag,
    };

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
