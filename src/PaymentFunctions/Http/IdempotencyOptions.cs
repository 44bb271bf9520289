using System.ComponentModel.DataAnnotations;

namespace PaymentFunctions.Http;

/// Section "Idempotency".
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// How long a key and its stored answer are kept; a reuse after that is a new request.
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Idempotency:KeyLifetime must be between 1 minute and 7 days.")]
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// How long a request holds its key; a request that crashed frees the key after this, not after KeyLifetime.
    /// Longer than the slowest legitimate request (two Stripe calls at 3 x 15 s each, plus storage), so a live
    /// request is never taken over by its own retry.
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00", ErrorMessage = "Idempotency:Lease must be between 5 seconds and 10 minutes.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(3);
}

public static class IdempotencySetup
{
    /// Called by each feature that takes Idempotency-Key; registering twice is harmless.
    public static IServiceCollection AddIdempotencyKeys(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IdempotencyKeys)))
        {
            return services;
        }

        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IdempotencyKeys>();
        return services;
    }
}
