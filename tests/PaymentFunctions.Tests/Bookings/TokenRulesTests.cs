using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Http;
using PaymentFunctions.Tests.Fuzz;
using PaymentFunctions.Tests.Hosting;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

/// Issue 20's token rules with the development key (Auth:DevSigningKey, no Auth:AdminAudience): HS256 only, "typ"
/// JWT or at+jwt, a user's delegated token with Auth:RequiredScope on SPA routes and the role on staff routes.
/// Tokens that fail validation get 401; valid ones that do not fit the route 403, naming the rule.
[Collection(AppHostGroup.Name)]
public sealed class TokenRulesTests(InProcessAppHost fixture)
{
    public const string AppOnly = "This route takes a user's token; an application's own token (no \"scp\", or \"idtyp\" app) is refused.";
    public const string NotTheScope = "The token lacks the scope payments.access (\"scp\").";
    public const string NotTheRole = "The token lacks the role payments.admin (\"roles\").";
    public const string OtherAudience = "The token is issued for another audience than this route's.";

    private readonly PaymentAppHost _host = fixture.Host;

    [Theory]
    [InlineData("HS384 under the dev key")]
    [InlineData("HS512 under the dev key")]
    [InlineData("RS256")]
    [InlineData("ES256")]
    [InlineData("none")]
    [InlineData("no typ")]
    [InlineData("typ dpop+jwt")]
    public async Task ATokenOfAnotherAlgorithmOrTypeIsRefused401AndChangesNothing(string kind)
    {
        var user = NewUser("alg");

        await TokenRefusals.AssertSpaRoutesRefuseAsync(_host, DevToken(kind, user), user, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("no scp", AppOnly)]
    [InlineData("idtyp app", AppOnly)]
    [InlineData("scp without payments.access", NotTheScope)]
    public async Task AValidTokenThatIsNotAUsersWithTheSpaScopeIsRefused403AndChangesNothing(string kind, string reason)
    {
        var user = NewUser("scope");

        await TokenRefusals.AssertSpaRoutesRefuseAsync(_host, DevToken(kind, user), user, HttpStatusCode.Forbidden, reason);
    }

    [Theory]
    [InlineData("at+jwt")]
    [InlineData("scp with more scopes")]
    public async Task AUsersTokenOfEitherAccessTokenTypeWithTheScopeAmongOthersIsAccepted(string kind)
    {
        var user = NewUser("accepted");
        using var client = TokenRefusals.ClientWith(_host, DevToken(kind, user));

        var created = await CreateBookingAsync(client);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(user, (await TestBookings.LoadAsync(_host, created.Text("id"))).UserId);
    }

    [Fact]
    public async Task StaffRoutesRefuseAUserWithoutTheRoleAndAnApplicationWithIt()
    {
        using var alice = _host.ClientFor(NewUser("alice"));
        var paid = await PaidBookingAsync(_host, alice);
        var (plain, service) = (NewUser("staff-without-role"), NewUser("service"));
        var appOnlyWithTheRole = TestTokens.For(service, roles: [AuthSetup.PaymentsAdminRole], scope: null);

        await TokenRefusals.AssertStaffRoutesRefuseAsync(_host, TestTokens.For(plain, roles: ["payments.viewer"]), plain, paid, HttpStatusCode.Forbidden, NotTheRole);
        await TokenRefusals.AssertStaffRoutesRefuseAsync(_host, appOnlyWithTheRole, service, paid, HttpStatusCode.Forbidden, AppOnly);
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Auth:RequiredScope", "payments.access openid", "Auth:RequiredScope must be one scope name (printable ASCII, no spaces, quotes or backslashes), e.g. payments.access." },
        { "Auth:RequiredScope", "", "Auth:RequiredScope must be one scope name (printable ASCII, no spaces, quotes or backslashes), e.g. payments.access." },
        { "Auth:AdminAudience", "api://paymentfunctions", "Auth:AdminAudience must differ from Auth:Audience; leave it out to let staff use Auth:Audience tokens." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void AnUnusableTokenSettingStopsTheStartNamingIt(string setting, string value, string failure)
    {
        var settings = StartupConfigurationTests.ValidSettings();
        settings[setting] = value;

        var error = FailedStart.ValidationErrorOf(FailedStart.Of("Production", settings));

        Assert.Equal(typeof(AuthOptions), error.OptionsType);
        Assert.Equal([failure], FailedStart.Messages(error));
    }

    /// A development token of the given kind; everything else as the app takes it.
    private static string DevToken(string kind, string user)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user, ["scp"] = TestTokens.Scope };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Claims = claims,
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = TestTokens.DevKey(),
        };
        switch (kind)
        {
            case "HS384 under the dev key":
                descriptor.SigningCredentials = TestTokens.DevKey(algorithm: SecurityAlgorithms.HmacSha384);
                break;
            case "HS512 under the dev key":
                descriptor.SigningCredentials = TestTokens.DevKey(algorithm: SecurityAlgorithms.HmacSha512);
                break;
            case "RS256":
                descriptor.SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)), SecurityAlgorithms.RsaSha256);
                break;
            case "ES256":
                descriptor.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)), SecurityAlgorithms.EcdsaSha256);
                break;
            case "none":
                descriptor.SigningCredentials = null;
                break;
            case "no typ":
                var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                var payload = new Dictionary<string, object>(claims) { ["iss"] = TestTokens.Issuer, ["aud"] = TestTokens.Audience, ["nbf"] = now - 60, ["exp"] = now + 3600 };
                return HostileTokens.Jwt("{\"alg\":\"HS256\"}", JsonSerializer.Serialize(payload), TestTokens.SigningKey);
            case "typ dpop+jwt":
                descriptor.TokenType = "dpop+jwt";
                break;
            case "at+jwt":
                descriptor.TokenType = "at+jwt";
                break;
            case "no scp":
                claims.Remove("scp");
                break;
            case "idtyp app":
                claims["idtyp"] = "app";
                break;
            case "scp without payments.access":
                claims["scp"] = "openid profile";
                break;
            case "scp with more scopes":
                claims["scp"] = $"openid {TestTokens.Scope} profile";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
