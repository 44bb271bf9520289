namespace PaymentFunctions.Payments;

// STUB - replaced by the payment intents work (issue 3).
public static class PaymentEndpoints
{
    public static IServiceCollection AddPayments(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app) => app;
}
