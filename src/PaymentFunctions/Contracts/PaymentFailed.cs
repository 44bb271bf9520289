namespace PaymentFunctions.Contracts;

public sealed record PaymentFailed : PaymentEvent
{
    public string? FailureCode { get; init; }

    public string? DeclineCode { get; init; }

    public string? FailureMessage { get; init; }
}
