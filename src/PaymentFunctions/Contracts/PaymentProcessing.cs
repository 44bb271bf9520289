namespace PaymentFunctions.Contracts;

public sealed record PaymentProcessing : PaymentEvent;
