namespace PaymentFunctions.Operations;

public static class OperationsSetup
{
    /// The operator API (role payments.admin): what needs a person, replays, requeues, the audit trail.
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddSingleton<AttentionLists>();
        services.AddSingleton<StripeEventReplay>();
        services.AddSingleton<DeadLetterRequeue>();
        services.AddSingleton<RetentionBackfill>();
        return services;
    }
}
