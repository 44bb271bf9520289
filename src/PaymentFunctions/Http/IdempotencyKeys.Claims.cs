using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Http;

/// Claiming a key: an in-flight row with a lease, taken over once expired or abandoned, released when nothing is kept.
public sealed partial class IdempotencyKeys
{
    private async Task<Claim> ClaimAsync(string partition, string rowKey, string fingerprint, CancellationToken ct)
    {
        // One id for every attempt: a retried write whose first answer was lost then recognises its own row.
        var claimId = Guid.NewGuid().ToString("N");
        for (var attempt = 1; attempt <= MaxClaimAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var claim = new Claim(ClaimOutcome.Claimed, null, default, now + options.Value.KeyLifetime);
            var row = InFlightRow(partition, rowKey, fingerprint, now, claim.ExpiresAt, claimId);
            // Before the key is written (or taken over), so no key outlives its lifetime for want of an entry.
            await retention.FileAsync(RetentionKind.IdempotencyKeys, partition, null, claim.ExpiresAt, ct);
            try
            {
                var added = await tables.Idempotency.AddCheckedAsync(row, ct);
                return claim with { ETag = added.Headers.ETag ?? throw new InvalidOperationException("The Table service answered an insert without an ETag.") };
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Someone holds (or held) the key: decide from what is stored.
            }

            var existing = await tables.Idempotency.FindAsync(partition, rowKey, ct);
            if (existing is null)
            {
                continue; // released between our insert and our read
            }

            if (existing.GetString("ClaimId") == claimId)
            {
                return claim with { ETag = existing.ETag }; // our own insert, whose answer was lost and retried
            }

            var expired = existing.GetDateTimeOffset("ExpiresAt") is not { } expiresAt || expiresAt <= now;
            if (!expired && existing.GetString("Fingerprint") != fingerprint)
            {
                return new Claim(ClaimOutcome.Mismatch, existing, default, default);
            }

            if (!expired && existing.GetString("State") == StoredResponse.Completed)
            {
                return new Claim(ClaimOutcome.Replay, existing, default, default);
            }

            if (!expired && existing.GetDateTimeOffset("LeaseUntil") > now)
            {
                return new Claim(ClaimOutcome.InFlight, existing, default, default);
            }

            // Expired, or a request that died holding the lease: take the key over, unless someone else just did.
            try
            {
                var replaced = await tables.Idempotency.UpdateCheckedAsync(row, existing.ETag, TableUpdateMode.Replace, ct);
                return claim with { ETag = replaced.Headers.ETag ?? throw new InvalidOperationException("The Table service answered an update without an ETag.") };
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Someone else took it over (or released it) first: look again.
            }
        }

        throw new InvalidOperationException($"Idempotency key {rowKey} kept changing under {MaxClaimAttempts} claim attempts.");
    }

    private TableEntity InFlightRow(string partition, string rowKey, string fingerprint, DateTimeOffset now, DateTimeOffset expiresAt, string claimId) => new(partition, rowKey)
    {
        ["State"] = StoredResponse.InFlight,
        ["ClaimId"] = claimId,
        ["Fingerprint"] = fingerprint,
        ["CreatedAt"] = now,
        ["LeaseUntil"] = now + options.Value.Lease,
        ["ExpiresAt"] = expiresAt,
    };

    /// Frees the key so the client's retry runs again; a failure here only delays that until the lease ends.
    private async Task ReleaseAsync(string partition, string rowKey, ETag etag)
    {
        try
        {
            await tables.Idempotency.DeleteEntityAsync(partition, rowKey, etag, CancellationToken.None);
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning(ex, "Releasing idempotency key {KeyHash} failed; it frees up when its lease ends", rowKey);
        }
    }

    private enum ClaimOutcome
    {
        Claimed,
        Replay,
        Mismatch,
        InFlight,
    }

    private sealed record Claim(ClaimOutcome Outcome, TableEntity? Row, ETag ETag, DateTimeOffset ExpiresAt);
}
