using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Hosting;

/// Two checks: Table Storage answers, and the outbox is not stuck (its oldest pending entry is younger than
/// Outbox:StuckAfter; read from the pending-outbox index at most every 30 s, <see cref="OutboxBacklog"/>).
/// Either failing answers 503 problem+json naming it in "checks".
public sealed class HealthFunction(PaymentTables tables, OutboxBacklog outbox, IOptions<OutboxOptions> outboxOptions, TimeProvider time, ILogger<HealthFunction> logger)
{
    [Function("Health")]
    [AllowAnonymous] // A load balancer's probe carries no token.
    public async Task<Results<Ok<HealthReport>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Short: a load balancer's probe wants a quick 503, not the pipeline's full retry schedule.
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        OutboxBacklogReading backlog;
        try
        {
            await tables.PingAsync(timeout.Token);
            await tables.EnsureCreatedAsync(timeout.Token);
            backlog = await outbox.ReadAsync(timeout.Token);
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

        var now = time.GetUtcNow();
        var stuckAfter = outboxOptions.Value.StuckAfter;
        if (backlog.OldestAge(now) > stuckAfter)
        {
            logger.LogWarning("Health check: the oldest pending outbox entry was written at {MarkedAt}, more than {StuckAfter} ago", backlog.OldestMarkedAt, stuckAfter);
            return TypedResults.Problem(
                title: "The outbox is stuck",
                detail: $"The oldest pending outbox entry is {(int)backlog.OldestAge(now).TotalMinutes} minutes old, past Outbox:StuckAfter ({stuckAfter}): messages are not reaching Service Bus. See docs/operations.md.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["checks"] = new Dictionary<string, string> { ["tableStorage"] = "up", ["outbox"] = "stuck" } });
        }

        return TypedResults.Ok(new HealthReport("healthy", now, new Dictionary<string, string> { ["tableStorage"] = "up", ["outbox"] = "ok" }));
    }

    public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyDictionary<string, string> Checks);
}
