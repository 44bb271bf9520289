using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Operations;

/// GET /api/admin/audit?day=yyyy-MM-dd[&amp;pageSize=][&amp;cursor=]: the staff actions of one UTC day that concern no
/// booking (the lists of this API, replays of events no booking claims, requeues of messages no longer found).
public sealed class ListDayAuditFunction(AttentionLists lists)
{
    [Function("ListDayAudit")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<ListPage<AuditEntry>>, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/audit")] HttpRequest request, CancellationToken ct)
    {
        if (PageQuery.Read(request, out var page) is { } invalid)
        {
            return invalid;
        }

        if (!DateOnly.TryParseExact(PageQuery.Value(request, "day"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return JsonBody.Invalid("day", "day is required: a UTC date, yyyy-MM-dd.");
        }

        return PageQuery.Answer(await lists.AuditAsync(request.HttpContext.User.UserId(), date, page, ct));
    }
}
