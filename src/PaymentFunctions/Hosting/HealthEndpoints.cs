using Microsoft.AspNetCore.Http.HttpResults;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Hosting;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", CheckAsync).AllowAnonymous().WithName("Health");
        return app;
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> CheckAsync(
        PaymentTables tables, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Short: a load balancer's probe wants a quick 503, not the pipeline's full retry schedule.
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await tables.PingAsync(timeout.Token);
            await tables.EnsureCreatedAsync(timeout.Token);
            return TypedResults.Ok(new HealthReport("healthy", time.GetUtcNow(), new Dictionary<string, string> { ["tableStorage"] = "up" }));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            loggers.CreateLogger("Health").LogWarning("Health check: Table Storage does not answer ({Error})", ex.GetType().Name + ": " + ex.Message);
            return TypedResults.Problem(
                title: "Table Storage is unavailable",
                detail: "Table Storage did not answer the health check: bookings, idempotency keys and the inbox/outbox cannot be read or written.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["checks"] = new Dictionary<string, string> { ["tableStorage"] = "down" } });
        }
    }

    public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, string> Checks);
}
