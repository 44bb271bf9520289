using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Operations;

/// GET /api/admin/dead-letters[?pageSize=][&amp;cursor=]: the dead-lettered messages of the subscription this app
/// consumes (payments/booking), each with its reason. In Azure, oldest first with their sequence numbers (a requeue
/// needs one); locally, by MessageId.
public sealed class ListDeadLettersFunction(AttentionLists lists)
{
    [Function("ListDeadLetters")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<ListPage<DeadLetter>>, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/dead-letters")] HttpRequest request, CancellationToken ct)
    {
        if (PageQuery.Read(request, out var page) is { } invalid)
        {
            return invalid;
        }

        return PageQuery.Answer(await lists.DeadLettersAsync(request.HttpContext.User.UserId(), page, ct));
    }
}
