using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Hosting;

public sealed class HealthFunction(PaymentTables tables, TimeProvider time, ILogger<HealthFunction> logger)
{
    [Function("Health")]
    [AllowAnonymous] // A load balancer's probe carries no token.
    public async Task<Results<Ok<HealthReport>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
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
            logger.LogWarning("Health check: Table Storage does not answer ({Error})", ex.GetType().Name + ": " + ex.Message);
            return TypedResults.Problem(
                title: "Table Storage is unavailable",
                detail: "Table Storage did not answer the health check: bookings, idempotency keys and the inbox/outbox cannot be read or written.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["checks"] = new Dictionary<string, string> { ["tableStorage"] = "down" } });
        }
    }

    public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, string> Checks);
}
