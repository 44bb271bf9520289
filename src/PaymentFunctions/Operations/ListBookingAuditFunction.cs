using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Operations;

/// GET /api/admin/bookings/{id}/audit[?pageSize=][&amp;cursor=]: every staff action on one booking (refunds, reads,
/// replays, requeues, reads of this trail), oldest first.
public sealed class ListBookingAuditFunction(AttentionLists lists)
{
    [Function("ListBookingAudit")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<ListPage<AuditEntry>>, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/bookings/{id}/audit")] HttpRequest request, string id, CancellationToken ct)
    {
        if (PageQuery.Read(request, out var page) is { } invalid)
        {
            return invalid;
        }

        return PageQuery.Answer(await lists.AuditAsync(request.HttpContext.User.UserId(), id, page, ct));
    }
}
