namespace PaymentFunctions.Payments.Events;

public sealed record PaymentProcessing : PaymentEvent;
