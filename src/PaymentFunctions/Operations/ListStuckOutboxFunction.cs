using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Operations;

/// GET /api/admin/outbox/stuck[?olderThanMinutes=15][&amp;pageSize=][&amp;cursor=]: outbox causes indexed as pending for
/// longer than that, oldest first. The sweeper sends such rows every run; one that stays here is one it keeps
/// failing to send (its error is in the sweeper's log).
public sealed class ListStuckOutboxFunction(AttentionLists lists)
{
    public const int MaxMinutes = 7 * 24 * 60;

    [Function("ListStuckOutbox")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Ok<ListPage<StuckOutboxEntry>>, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/outbox/stuck")] HttpRequest request, CancellationToken ct)
    {
        if (PageQuery.Read(request, out var page) is { } invalid)
        {
            return invalid;
        }

        var older = PageQuery.Value(request, "olderThanMinutes");

        var minutes = (int)OutboxSweeper.StaleAfter.TotalMinutes;
        if (older is not null && (!int.TryParse(older, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > MaxMinutes))
        {
            return JsonBody.Invalid("olderThanMinutes", $"olderThanMinutes must be a whole number from 1 to {MaxMinutes}.");
        }

        return PageQuery.Answer(await lists.StuckOutboxAsync(request.HttpContext.User.UserId(), TimeSpan.FromMinutes(minutes), page, ct));
    }
}
