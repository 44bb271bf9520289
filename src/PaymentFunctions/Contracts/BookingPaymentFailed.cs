namespace PaymentFunctions.Contracts;

public sealed record BookingPaymentFailed : BookingEvent
{
    public string? FailureCode { get; init; }

    public string? FailureMessage { get; init; }
}
