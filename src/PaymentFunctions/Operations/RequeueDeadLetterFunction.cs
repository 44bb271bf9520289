using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Operations;

/// What a requeue answers.
public sealed record RequeueAnswer(string MessageId, string? BookingId, RequeueOutcome Outcome);

/// POST /api/admin/dead-letters/{messageId}/requeue[?sequenceNumber=]: send one dead letter of payments/booking back to
/// its topic, with its own MessageId, once (<see cref="DeadLetterRequeue"/>). Idempotency-Key required. In Azure the
/// sequenceNumber from GET /api/admin/dead-letters is required too. 202 requeued; 200 when an earlier requeue had
/// taken it already; 404 not a dead letter; 409 with Retry-After while the topic's duplicate detection would drop it;
/// 503 with Retry-After while another receiver holds it.
public sealed class RequeueDeadLetterFunction(DeadLetterRequeue requeue, IdempotencyKeys keys, TimeProvider time)
{
    [Function("RequeueDeadLetter")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Results<Accepted<RequeueAnswer>, Ok<RequeueAnswer>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/dead-letters/{messageId}/requeue")] HttpRequest request, string messageId, CancellationToken ct)
    {
        if ((RequiredIdempotencyKey.Read(request, "requeue", out var key) ?? PageQuery.Repeated(request)) is { } refused)
        {
            return refused;
        }

        var number = PageQuery.Value(request, "sequenceNumber");

        long? sequenceNumber = null;
        if (number is not null && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            sequenceNumber = parsed;
        }
        else if (number is not null || requeue.NeedsSequenceNumber)
        {
            return JsonBody.Invalid("sequenceNumber", "sequenceNumber is required here: the dead letter's sequenceNumber from GET /api/admin/dead-letters, a whole number.");
        }

        var http = request.HttpContext;
        var staffUserId = http.User.UserId();
        return await keys.ExecuteAsync(http, staffUserId, [], async () => Map(http, messageId, await requeue.RequeueAsync(staffUserId, messageId, sequenceNumber, key, ct), time.GetUtcNow()));
    }

    private static Results<Accepted<RequeueAnswer>, Ok<RequeueAnswer>, ProblemHttpResult> Map(HttpContext http, string messageId, (DeadLetter DeadLetter, RequeueResult Result)? requeued, DateTimeOffset now)
    {
        if (requeued is not var (deadLetter, result) || result.Outcome == RequeueOutcome.Gone)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dead letter", detail: $"{messageId} is not (or no longer) a dead letter of this app's subscription; nothing was sent.");
        }

        var answer = new RequeueAnswer(deadLetter.MessageId, deadLetter.BookingId, result.Outcome);
        switch (result.Outcome)
        {
            case RequeueOutcome.Requeued:
                return TypedResults.Accepted(deadLetter.BookingId is { } bookingId ? $"/api/admin/bookings/{bookingId}" : (string?)null, answer);
            case RequeueOutcome.AlreadyRequeued:
                return TypedResults.Ok(answer);
            case RequeueOutcome.TooSoon:
                var wait = result.RetryAt!.Value - now;
                http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Too soon to requeue",
                    detail: $"The topic's duplicate detection remembers {messageId} until {result.RetryAt:O} and would drop a resend without a word; nothing was sent. Requeue it after then.",
                    extensions: new Dictionary<string, object?> { ["retryAt"] = result.RetryAt });
            default:
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Dead letter busy", detail: $"{messageId} is locked by another receiver, or lies deeper in the dead-letter queue than one requeue looks; nothing was sent. Retry, or requeue the older ones first.");
        }
    }
}
