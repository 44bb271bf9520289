namespace PaymentFunctions.Payments.Events;

public sealed record PaymentRequiresAction : PaymentEvent;
