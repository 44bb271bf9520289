using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Operations;

/// POST /api/admin/retention/backfill[?pageSize=][&amp;cursor=]: one page of the one-off that files retention entries
/// for rows older than the retention index (<see cref="RetentionBackfill"/>). Call again with "next" until it is null;
/// docs/operations.md has the loop. No Idempotency-Key: a page called again files the same entries.
public sealed class BackfillRetentionFunction(RetentionBackfill backfill)
{
    [Function("BackfillRetention")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<BackfillPage>, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/retention/backfill")] HttpRequest request, CancellationToken ct)
    {
        if (PageQuery.Read(request, out var page) is { } invalid)
        {
            return invalid;
        }

        return await backfill.FileAsync(request.HttpContext.User.UserId(), page, ct) is { } filed ? TypedResults.Ok(filed) : PageQuery.CursorRefused();
    }
}
