using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Http;

namespace PaymentFunctions.Tests.Bookings;

/// DevTokens, the one minting of development tokens (the demo's POST /dev/token and the tests' tokens).
public sealed class DevTokensTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ATokenHoldsTheUserTheSpasScopeItsRolesAsAnArrayAndAnHourFromTheClocksNow()
    {
        var tokens = new DevTokens(Options.Create(new AuthOptions { Audience = "paymentfunctions", DevSigningKey = "tests-only-signing-key-0123456789-0123456789" }), new FakeTimeProvider(Now));

        var (token, expiresAt) = tokens.Mint("alice", ["payments.admin"]);
        using var claims = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]));
        var payload = claims.RootElement;

        Assert.True(tokens.Accepted);
        Assert.Equal(Now.AddHours(1), expiresAt);
        Assert.Equal("alice", payload.GetProperty("sub").GetString());
        Assert.Equal(AuthOptions.DevIssuer, payload.GetProperty("iss").GetString());
        Assert.Equal("paymentfunctions", payload.GetProperty("aud").GetString());
        Assert.Equal(["payments.admin"], payload.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(AuthOptions.DefaultScope, payload.GetProperty("scp").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(Now.AddHours(1).ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
        Assert.False(JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(tokens.Mint("bob", []).Token.Split('.')[1])).RootElement.TryGetProperty("roles", out _));
    }

    [Fact]
    public void WithARealIssuerConfiguredNoDevelopmentTokenIsMinted()
    {
        var tokens = new DevTokens(Options.Create(new AuthOptions { Audience = "api://x", DevSigningKey = "tests-only-signing-key-0123456789-0123456789", Authority = new Uri("https://login.example.com/tenant/v2.0") }), TimeProvider.System);

        Assert.False(tokens.Accepted);
        Assert.Throws<InvalidOperationException>(() => tokens.Mint("alice", []));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("alice.smith@example.com", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("alice\n", false)]
    [InlineData("ali/ce", false)]
    public void UserIdsAreTheOnesTheScriptAccepts(string userId, bool valid) =>
        Assert.Equal(valid, DevTokens.IsUserId(userId));
}
