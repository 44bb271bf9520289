namespace PaymentFunctions.Contracts;

public sealed record PaymentRequiresAction : PaymentEvent;
