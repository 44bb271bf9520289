namespace PaymentFunctions.Payments.Events;

public sealed record PaymentSucceeded : PaymentEvent;
