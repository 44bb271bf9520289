using System.Net;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Http;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Bookings.TokenRulesTests;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

/// Tokens from an OpenID Connect issuer (Auth:Authority, here a local one serving its discovery document and JWKS, as
/// Entra does) with a separate staff audience (Auth:AdminAudience): RS256 only, and each kind of route takes only its
/// own audience's tokens.
public sealed class OidcTokenTests(OidcTokenTests.Host fixture) : IClassFixture<OidcTokenTests.Host>
{
    public const string SpaAudience = "api://payments-spa-tests";
    public const string StaffAudience = "api://payments-staff-tests";

    /// The app in Development with no development key: the issuer's keys are the only ones.
    public sealed class Host : IAsyncLifetime
    {
        public LocalOidcIssuer Issuer { get; private set; } = null!;

        public PaymentAppHost App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Issuer = await LocalOidcIssuer.StartAsync();
            App = await PaymentAppHost.StartAsync(settings: new Dictionary<string, string?>
            {
                ["Auth:Authority"] = Issuer.Authority,
                ["Auth:DevSigningKey"] = "",
                ["Auth:Audience"] = SpaAudience,
                ["Auth:AdminAudience"] = StaffAudience,
            });
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await Issuer.DisposeAsync();
        }
    }

    private readonly LocalOidcIssuer _issuer = fixture.Issuer;
    private readonly PaymentAppHost _host = fixture.App;

    [Fact]
    public async Task TheIssuersRs256TokensOpenTheSpaRoutesAndWithTheStaffAudienceAndRoleTheStaffRoutes()
    {
        var user = NewUser("oidc-alice");
        using var alice = TokenRefusals.ClientWith(_host, _issuer.Token(user, SpaAudience));
        using var staff = TokenRefusals.ClientWith(_host, _issuer.Token(NewUser("oidc-staff"), StaffAudience, scope: "payments.staff", roles: [AuthSetup.PaymentsAdminRole]));

        var (bookingId, intentId) = await PaidBookingAsync(_host, alice);
        var refund = await StaffRefundAsync(staff, bookingId, 100);
        var staffRead = await GetAsync(staff, $"/api/admin/bookings/{bookingId}");

        Assert.Equal(user, (await TestBookings.LoadAsync(_host, bookingId)).UserId);
        Assert.Equal(HttpStatusCode.Accepted, refund.Status);
        Assert.Equal(HttpStatusCode.OK, staffRead.Status);
        Assert.Single(_host.EmulatorState.RefundsOf(intentId));
    }

    [Theory]
    [InlineData("HS256 under the development key")]
    [InlineData("HS256 keyed with the issuer's public key")]
    [InlineData("RS384 under the issuer's key")]
    [InlineData("RS256 under another key named as the issuer's")]
    public async Task ATokenTheIssuersKeysDoNotVouchForAsRs256IsRefused401AndChangesNothing(string kind)
    {
        var user = NewUser("oidc-alg");
        var signing = kind switch
        {
            "HS256 under the development key" => TestTokens.DevKey(),
            // The classic confusion: the public key's bytes used as an HMAC secret, under the issuer's key id.
            "HS256 keyed with the issuer's public key" => new SigningCredentials(
                new SymmetricSecurityKey(_issuer.Key.Rsa.ExportParameters(includePrivateParameters: false).Modulus) { KeyId = _issuer.Key.KeyId }, SecurityAlgorithms.HmacSha256),
            // A valid signature by the issuer's own key: only the pinned algorithm refuses it.
            "RS384 under the issuer's key" => _issuer.Signing(SecurityAlgorithms.RsaSha384),
            "RS256 under another key named as the issuer's" => new SigningCredentials(
                new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = _issuer.Key.KeyId }, SecurityAlgorithms.RsaSha256),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        await TokenRefusals.AssertSpaRoutesRefuseAsync(_host, _issuer.Token(user, SpaAudience, signing: signing), user, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnSpaTokenWithTheStaffRoleDoesNotOpenTheStaffRoutes()
    {
        using var alice = TokenRefusals.ClientWith(_host, _issuer.Token(NewUser("oidc-alice"), SpaAudience));
        var paid = await PaidBookingAsync(_host, alice);
        var staff = NewUser("oidc-staff");

        await TokenRefusals.AssertStaffRoutesRefuseAsync(_host, _issuer.Token(staff, SpaAudience, roles: [AuthSetup.PaymentsAdminRole]), staff, paid, HttpStatusCode.Forbidden, OtherAudience);
    }

    [Fact]
    public async Task AStaffAudienceTokenDoesNotOpenTheSpaRoutesEvenWithTheSpaScope()
    {
        var staff = NewUser("oidc-staff");

        await TokenRefusals.AssertSpaRoutesRefuseAsync(_host, _issuer.Token(staff, StaffAudience, roles: [AuthSetup.PaymentsAdminRole]), staff, HttpStatusCode.Forbidden, OtherAudience);
    }

    [Fact]
    public async Task AnApplicationsOwnTokenForTheStaffAudienceWithTheRoleIsRefused()
    {
        using var alice = TokenRefusals.ClientWith(_host, _issuer.Token(NewUser("oidc-alice"), SpaAudience));
        var paid = await PaidBookingAsync(_host, alice);
        var service = NewUser("oidc-service");
        var appOnly = _issuer.Token(service, StaffAudience, scope: null, roles: [AuthSetup.PaymentsAdminRole], claims: new() { ["idtyp"] = "app" });

        await TokenRefusals.AssertStaffRoutesRefuseAsync(_host, appOnly, service, paid, HttpStatusCode.Forbidden, AppOnly);
    }
}
