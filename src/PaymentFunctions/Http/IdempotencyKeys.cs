using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Http;

/// The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) for any POST endpoint, backed by the
/// IdempotencyKeys table (PartitionKey = user id, RowKey = SHA-256 of the key, so keys of any shape are
/// table-safe and scoped per user). The first request claims the key with a lease; its answer is stored
/// when it is a success. A 4xx changed nothing, so nothing is kept for it: a repeat runs again and meets the same
/// refusal, and a client that fixes its request may retry under the same key (as Stripe does for validation
/// errors); a 5xx is not kept either, so the client may retry. A repeat with the same method, path and body gets the
/// stored answer with Idempotent-Replayed: true, a different request under the key 422, a repeat while the
/// first is still running 409.
public sealed partial class IdempotencyKeys(PaymentTables tables, RetentionIndex retention, TimeProvider time, IOptions<IdempotencyOptions> options, ILogger<IdempotencyKeys> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxClaimAttempts = 5;

    /// A JSON body's problems first, then the caller's own validation of it: both are answered before the key is
    /// claimed (a 4xx changes nothing, so nothing is stored for it). Then as below.
    public async Task<Results<TAnswer, StoredResponse, ProblemHttpResult, ValidationProblem>> ExecuteAsync<TBody, TAnswer>(
        HttpContext http, string userId, JsonRequest<TBody> body, Func<TBody, ValidationProblem?> validate, Func<TBody, Task<TAnswer>> handler, string? withheld = null)
        where TBody : class
        where TAnswer : IResult
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(validate);
        if (body.Problem is { } problem)
        {
            return problem.Result switch
            {
                ValidationProblem invalid => invalid,
                ProblemHttpResult refused => refused,
                _ => throw new InvalidOperationException("JsonBody answers ProblemHttpResult or ValidationProblem."),
            };
        }

        var value = body.Value!;
        return validate(value) is { } validation ? validation : await ExecuteAsync(http, userId, body.Raw, () => handler(value), withheld);
    }

    /// Runs handler at most once per (user, key) within the key lifetime; without the header it just runs it.
    /// <paramref name="withheld"/>: a top-level property of the JSON answer that is a secret (a PaymentIntent's client
    /// secret): stored as null, so the caller fills it in again when the answer is replayed.
    public async Task<Results<TAnswer, StoredResponse, ProblemHttpResult, ValidationProblem>> ExecuteAsync<TAnswer>(
        HttpContext http, string userId, byte[] body, Func<Task<TAnswer>> handler, string? withheld = null)
        where TAnswer : IResult
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(handler);
        if (!http.Request.Headers.TryGetValue(HeaderName, out var header))
        {
            return await handler();
        }

        if (!IdempotencyKeyHeader.TryParse(header, out var key))
        {
            return RequiredIdempotencyKey.Malformed();
        }

        var ct = http.RequestAborted;
        await tables.EnsureCreatedAsync(ct);
        var partition = RowKeys.IdempotencyPartition(userId);
        var rowKey = RowKeys.IdempotencyRow(key);
        var fingerprint = Fingerprint(http.Request, body);
        var claim = await ClaimAsync(partition, rowKey, fingerprint, ct);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Replay:
                return StoredResponse.FromEntity(claim.Row!).AsReplay();
            case ClaimOutcome.Mismatch:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "Idempotency-Key reused",
                    detail: "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.");
            case ClaimOutcome.InFlight:
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Request in progress",
                    detail: "A request with this Idempotency-Key is still being processed. Retry shortly to get its answer.");
        }

        StoredResponse response;
        try
        {
            response = await StoredResponse.CaptureAsync(http, await handler());
        }
        catch
        {
            await ReleaseAsync(partition, rowKey, claim.ETag);
            throw;
        }

        await FinishAsync(partition, rowKey, fingerprint, claim, withheld is null ? response : response.WithJsonProperty(withheld, null));
        return response;
    }

    private async Task FinishAsync(string partition, string rowKey, string fingerprint, Claim claim, StoredResponse response)
    {
        if (response.Status >= 400 || !response.FitsInRow)
        {
            await ReleaseAsync(partition, rowKey, claim.ETag);
            return;
        }

        try
        {
            var row = response.ToEntity(partition, rowKey, fingerprint, claim.ExpiresAt);
            await tables.Idempotency.UpdateCheckedAsync(row, claim.ETag, TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            logger.LogWarning("Idempotency key {KeyHash} was taken over after its lease ran out; the answer ({Status}) is not stored", rowKey, response.Status);
        }
        catch (RequestFailedException ex)
        {
            // The work is done; answering 500 would only make the client repeat it. The key frees up when the lease ends.
            logger.LogError(ex, "Storing the answer for idempotency key {KeyHash} failed: {Error}", rowKey, ex.Message);
        }
    }

    private static string Fingerprint(HttpRequest request, byte[] body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path.Value}\n"));
        hash.AppendData(body);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
