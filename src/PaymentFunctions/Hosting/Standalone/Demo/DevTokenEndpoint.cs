using PaymentFunctions.Http;

namespace PaymentFunctions.Hosting.Standalone.Demo;

/// POST /dev/token {userId, roles?}: a development token for the demo page to sign in with (Development only,
/// loopback only; see <see cref="DemoSetup"/>). The same token tools/mint-dev-token.sh mints, through DevTokens.
public static class DevTokenEndpoint
{
    private const int MaxRoles = 10;

    public static async Task<IResult> MintAsync(HttpRequest request, DevTokens tokens, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<DevTokenRequest>(request, ct);
        if (body.Problem is { } problem)
        {
            return problem.Result;
        }

        var value = body.Value!;
        var roles = value.Roles ?? [];
        if (!DevTokens.IsUserId(value.UserId))
        {
            return JsonBody.Invalid("userId", "userId is required: 1 to 64 letters, digits or . _ @ -.");
        }

        if (roles.Length > MaxRoles || !roles.All(DevTokens.IsRole))
        {
            return JsonBody.Invalid("roles", $"roles: at most {MaxRoles}, each 1 to 64 letters, digits or . _ -.");
        }

        if (!tokens.Accepted)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Development tokens are off",
                detail: "The API does not accept development tokens: Auth:DevSigningKey is unset or Auth:Authority is set.");
        }

        var (token, expiresAt) = tokens.Mint(value.UserId!, roles);
        return TypedResults.Ok(new DevTokenAnswer(token, value.UserId!, roles, expiresAt));
    }
}

/// Nullable so that a missing field is a validation error, not a default.
public sealed record DevTokenRequest(string? UserId, string[]? Roles);

public sealed record DevTokenAnswer(string Token, string UserId, IReadOnlyList<string> Roles, DateTimeOffset ExpiresAt);
