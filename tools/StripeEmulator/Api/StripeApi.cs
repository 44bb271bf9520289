using System.Text.Json.Nodes;

namespace StripeEmulator.Api;

/// Runs one /v1 operation the way Stripe's edge does: rate limits first, then idempotency, then injected
/// faults, then the operation, then (for AfterCommit faults) the lost answer.
internal sealed class StripeApi(IdempotencyStore idempotency, FaultInjector faults, RateLimits limits, EmulatorState state)
{
    public const string RequestIdItem = "StripeEmulator.RequestId";

    /// Stripe's text for a rate-limited request (error code rate_limit).
    public const string RateLimitMessage = "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.";
    private const int MaxIdempotencyKeyLength = 255;

    public async Task ExecuteAsync(HttpContext http, Func<StripeForm, RequestInfo, ApiResult> operation)
    {
        var request = http.Request;
        var form = HttpMethods.IsPost(request.Method) && request.HasFormContentType
            ? new StripeForm(await request.ReadFormAsync(http.RequestAborted))
            : HttpMethods.IsGet(request.Method) ? new StripeForm(request.Query) : StripeForm.Empty;
        var requestId = (string)http.Items[RequestIdItem]!;
        string? key = HttpMethods.IsPost(request.Method) ? request.Headers["Idempotency-Key"].FirstOrDefault() : null;
        state.CountRequest();

        // Before idempotency: a limited request never ran, so Stripe keeps nothing under its key.
        if (limits.Take($"{request.Method} {(http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? request.Path}") is { } limited)
        {
            WriteRetryHeaders(http, limited.Settings.ShouldRetry, limited.Settings.RetryAfterSeconds, limited.Reason);
            await WriteAsync(http, 429, StripeErrors.Body(StripeErrors.InvalidRequest, RateLimitMessage, "rate_limit").ToJsonString());
            return;
        }

        if (key is not null)
        {
            if (key.Length > MaxIdempotencyKeyLength)
            {
                await WriteAsync(http, 400, StripeErrors.Body(StripeErrors.InvalidRequest, $"Invalid Idempotency-Key: keys must be at most {MaxIdempotencyKeyLength} characters long.").ToJsonString());
                return;
            }

            var (outcome, stored) = idempotency.Begin(key, $"{request.Method} {request.Path}?{form.Fingerprint()}");
            switch (outcome)
            {
                case IdempotencyStore.Outcome.Replay:
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                    http.Response.Headers["Original-Request"] = stored!.RequestId;
                    await WriteAsync(http, stored.Status, stored.Body);
                    return;
                case IdempotencyStore.Outcome.Mismatch:
                    await WriteAsync(http, 400, StripeErrors.Body("idempotency_error", $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.").ToJsonString());
                    return;
                case IdempotencyStore.Outcome.InUse:
                    // Stripe's clients retry 409s; the header says so explicitly.
                    http.Response.Headers["Stripe-Should-Retry"] = "true";
                    await WriteAsync(http, 409, StripeErrors.Body(StripeErrors.InvalidRequest, $"There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): {key}. Please try again later.", "idempotency_key_in_use").ToJsonString());
                    return;
            }
        }

        var saved = false;
        try
        {
            var fault = faults.Take(request.Method, request.Path.Value ?? "/");
            if (fault is { DelayMs: > 0 })
            {
                await Task.Delay(fault.DelayMs, http.RequestAborted);
            }

            if (fault is { Status: not null, AfterCommit: false })
            {
                var (status, faultBody) = FaultAnswer(http, fault);
                if (key is not null && fault.SavedUnderKey)
                {
                    idempotency.Complete(key, new StoredResponse(status, faultBody, requestId));
                    saved = true;
                }

                await WriteAsync(http, status, faultBody);
                return;
            }

            var result = operation(form, new RequestInfo(requestId, key));
            var body = result.Body.ToJsonString();
            if (key is not null && result.Saved)
            {
                idempotency.Complete(key, new StoredResponse(result.Status, body, requestId));
                saved = true;
            }

            if (fault is { Status: not null, AfterCommit: true })
            {
                var (status, faultBody) = FaultAnswer(http, fault);
                await WriteAsync(http, status, faultBody);
                return;
            }

            await WriteAsync(http, result.Status, body);
        }
        finally
        {
            if (key is not null && !saved)
            {
                idempotency.Abandon(key);
            }
        }
    }

    internal static async Task WriteAsync(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    private static (int Status, string Body) FaultAnswer(HttpContext http, FaultRule fault)
    {
        var status = fault.Status!.Value;
        WriteRetryHeaders(http, fault.ShouldRetry, fault.RetryAfterSeconds, status == 429 ? fault.RateLimitedReason : null);

        JsonObject body = status switch
        {
            429 => StripeErrors.Body(StripeErrors.InvalidRequest, RateLimitMessage + " (emulator fault injection)", "rate_limit"),
            409 => StripeErrors.Body(StripeErrors.InvalidRequest, "This object cannot be accessed right now because another API request or Stripe process is currently accessing it. (emulator fault injection)", "lock_timeout"),
            >= 500 => StripeErrors.Body("api_error", "An unknown error occurred. (emulator fault injection)"),
            _ => StripeErrors.Body(StripeErrors.InvalidRequest, "Injected fault. (emulator fault injection)"),
        };
        return (status, body.ToJsonString());
    }

    private static void WriteRetryHeaders(HttpContext http, bool? shouldRetry, int? retryAfterSeconds, string? rateLimitedReason)
    {
        if (shouldRetry is { } retry)
        {
            http.Response.Headers["Stripe-Should-Retry"] = retry ? "true" : "false";
        }

        if (retryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Which of Stripe's limiters refused the request: global-rate, endpoint-rate, global-concurrency,
        // endpoint-concurrency or resource-specific.
        if (rateLimitedReason is not null)
        {
            http.Response.Headers["Stripe-Rate-Limited-Reason"] = rateLimitedReason;
        }
    }
}
