namespace PaymentFunctions.Contracts;

public sealed record PaymentSucceeded : PaymentEvent;
