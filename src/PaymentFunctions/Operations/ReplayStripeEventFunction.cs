using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;
using PaymentFunctions.Payments.StripeApi;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Operations;

/// What a replay answers: the event, the booking it names (if any) and what the pipeline did with it.
public sealed record ReplayAnswer(string EventId, string? Type, string? BookingId, ReplayOutcome Outcome);

/// POST /api/admin/stripe-events/{id}/replay: fetch the event from Stripe and store it as its webhook would have been,
/// once (<see cref="StripeEventReplay"/>). Idempotency-Key required. 200 when it was stored, already stored or is a
/// type the app ignores; 409 while it still matches no booking (or cannot be read): fix the source and replay again.
public sealed class ReplayStripeEventFunction(StripeEventReplay replay, IdempotencyKeys keys)
{
    [Function("ReplayStripeEvent")]
    [Authorize(Policy = AuthSetup.PaymentsAdminPolicy)]
    public async Task<Results<Results<Ok<ReplayAnswer>, ProblemHttpResult>, StoredResponse, ProblemHttpResult, ValidationProblem>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/stripe-events/{id}/replay")] HttpRequest request, string id, CancellationToken ct)
    {
        if (RequiredIdempotencyKey.Read(request, "replay", out var key) is { } refused)
        {
            return refused;
        }

        if (!StripePayload.IsEventId(id))
        {
            return JsonBody.Invalid("id", $"id must be a Stripe event id: evt_ followed by at most {StripePayload.MaxEventIdLength - 4} letters, digits or underscores.");
        }

        var http = request.HttpContext;
        var staffUserId = http.User.UserId();
        return await keys.ExecuteAsync(http, staffUserId, [], async () => Map(http, await replay.ReplayAsync(staffUserId, id, key, ct)));
    }

    private static Results<Ok<ReplayAnswer>, ProblemHttpResult> Map(HttpContext http, ReplayResult result)
    {
        var answer = new ReplayAnswer(result.EventId, result.Type, result.BookingId, result.Outcome);
        var stripeRequest = new Dictionary<string, object?> { ["stripeRequestId"] = result.StripeRequestId };
        switch (result.Outcome)
        {
            case ReplayOutcome.Stored or ReplayOutcome.AlreadyStored or ReplayOutcome.Ignored:
                return TypedResults.Ok(answer);
            case ReplayOutcome.Unmatched or ReplayOutcome.Unprocessable:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: result.Outcome == ReplayOutcome.Unmatched ? "Stripe event still unmatched" : "Stripe event still unprocessable",
                    detail: $"{result.EventId} ({result.Type}) was recorded as {result.Outcome.ToString().ToLowerInvariant()} again and nothing was published. Fix its source (the booking, the intent index), then replay it again.",
                    extensions: new Dictionary<string, object?> { ["bookingId"] = result.BookingId });
            case ReplayOutcome.NotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such Stripe event", detail: $"Stripe has no event {result.EventId} (it keeps events for 30 days).");
            case ReplayOutcome.Unreadable:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Stripe event cannot be read", detail: result.Detail);
            case ReplayOutcome.StripeRefused:
                return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Stripe refused the request", detail: result.Detail, extensions: stripeRequest);
            default:
                http.Response.Headers.RetryAfter = StripeBackoff.RetryAfterHeader(result.RetryAfter);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: result.Outcome == ReplayOutcome.StripeRateLimited ? "Stripe is busy" : "Stripe is unavailable",
                    detail: "The event could not be fetched from Stripe; nothing was stored. Retry after the Retry-After delay.",
                    extensions: stripeRequest);
        }
    }
}
