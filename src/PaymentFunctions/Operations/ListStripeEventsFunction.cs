using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Operations;

/// GET /api/admin/attention/stripe-events?kind=unmatched|unprocessable[&amp;type=...][&amp;pageSize=][&amp;cursor=]: Stripe
/// events stored for a person instead of published, by type then id. Fix the cause, then replay each by id.
public sealed class ListStripeEventsFunction(AttentionLists lists)
{
    [Function("ListStripeEvents")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<ListPage<StripeEventRecord>>, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/attention/stripe-events")] HttpRequest request, CancellationToken ct)
    {
        if (PageQuery.Read(request, out var page) is { } invalid)
        {
            return invalid;
        }

        var (kind, type) = (PageQuery.Value(request, "kind"), PageQuery.Value(request, "type"));

        if (kind is null || !StripeEventRecords.NeedAPerson.Contains(kind))
        {
            return JsonBody.Invalid("kind", $"kind is required: one of {string.Join(", ", StripeEventRecords.NeedAPerson)}.");
        }

        if (type is not null && !StripeEventShape.IsEventType(type))
        {
            return JsonBody.Invalid("type", "type must be a Stripe event type, such as payment_intent.succeeded.");
        }

        return PageQuery.Answer(await lists.StripeEventsAsync(request.HttpContext.User.UserId(), kind, type, page, ct));
    }
}
