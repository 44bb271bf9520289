using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Hosting;
using PaymentFunctions.Http;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

[Collection(AppHostGroup.Name)]
public sealed class AuthTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    public static TheoryData<string, string> BadTokens => new()
    {
        { "none", "" },
        { "expired", Token(notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1)) },
        { "wrong signature", TestTokens.For("alice", signingKey: "an-attacker-signing-key-0123456789-0123456789") },
        { "wrong audience", TestTokens.For("alice", audience: "someone-else") },
        { "wrong issuer", TestTokens.For("alice", issuer: "https://evil.example") },
        { "garbage", "not.a.jwt" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task TheSpaEndpointsAnswer401ProblemWithoutAValidToken(string kind, string token)
    {
        using var client = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        if (token.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var book = await CreateBookingAsync(client);
        var intent = await CreateIntentAsync(client, "bk_00000000000000000000000000");
        var read = await GetAsync(client, "/api/bookings/bk_00000000000000000000000000");

        Assert.True(book.Status == HttpStatusCode.Unauthorized, $"{kind}: {book.Status}");
        book.AssertProblem(HttpStatusCode.Unauthorized);
        intent.AssertProblem(HttpStatusCode.Unauthorized);
        read.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", book.Response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ATokenWithoutASubjectIsForbidden(string? subject)
    {
        using var client = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", subject is null ? Token(subject: null) : Token(subject: subject));

        var answer = await GetAsync(client, "/api/bookings/bk_00000000000000000000000000");

        answer.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(42L)]
    [InlineData(true)]
    public async Task ATokenWhoseSubjectIsNotAStringIsRefused(object subject)
    {
        // A numeric 1.5 must not become the user "1.5" (RFC 7519: sub is a string).
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        using var client = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var answer = await GetAsync(client, "/api/bookings/bk_00000000000000000000000000");

        answer.AssertProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ATokenWithACriticalHeaderExtensionIsRefusedWhileTheSameTokenWithoutItIsAccepted()
    {
        using var critical = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        critical.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(header: new Dictionary<string, object> { ["crit"] = new[] { "urn:example:binding" }, ["urn:example:binding"] = true }));
        using var plain = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        plain.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(header: new Dictionary<string, object> { ["urn:example:binding"] = true }));

        var refused = await CreateBookingAsync(critical);
        var accepted = await CreateBookingAsync(plain);

        refused.AssertProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, accepted.Status);
    }

    [Fact]
    public async Task CorsAllowsOnlyTheConfiguredSpaOriginWithTheHeadersItNeeds()
    {
        using var allowed = Preflight("http://spa.test");
        using var refused = Preflight("http://evil.test");

        using var allowedAnswer = await _host.Client.SendAsync(allowed);
        using var refusedAnswer = await _host.Client.SendAsync(refused);

        Assert.Equal("http://spa.test", allowedAnswer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var headers = string.Join(",", allowedAnswer.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
        Assert.Contains("AUTHORIZATION", headers, StringComparison.Ordinal);
        Assert.Contains("IDEMPOTENCY-KEY", headers, StringComparison.Ordinal);
        Assert.False(refusedAnswer.Headers.Contains("Access-Control-Allow-Origin"));

        using var alice = _host.ClientFor("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent("""{"ticketTypeId":"standard","quantity":1}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", "http://spa.test");
        using var actual = await alice.SendAsync(request);
        var exposed = string.Join(",", actual.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("Idempotent-Replayed", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Location", exposed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ProductionRefusesToStartWithTheDevSigningKey()
    {
        var failure = StartFailure("Production", new() { ["Auth:DevSigningKey"] = TestTokens.SigningKey, ["Auth:Authority"] = "https://login.example.com/tenant/v2.0" });

        Assert.Equal(typeof(AuthOptions), failure.OptionsType);
        Assert.Equal(["Auth:DevSigningKey (HS256 development tokens) configures a development stand-in, which is refused outside the Development environment and with Stripe:LiveMode."], FailedStart.Messages(failure));
        Assert.DoesNotContain(TestTokens.SigningKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StartFailsNamingAuthAuthorityWhenNoTokenIssuerIsConfigured()
    {
        var failure = StartFailure("Production", []);

        Assert.Equal(typeof(AuthOptions), failure.OptionsType);
        Assert.Equal(["Auth:Authority is required (the OIDC issuer of the SPA's tokens, e.g. https://login.microsoftonline.com/{tenant}/v2.0); in Development Auth:DevSigningKey may be used instead."], FailedStart.Messages(failure));
    }

    [Fact]
    public void StartFailsNamingTheTicketTypeWhosePriceCannotBeCharged()
    {
        var failure = StartFailure("Production", new() { ["Auth:Authority"] = "https://login.example.com/tenant/v2.0", ["Catalog:TicketTypes:odd:UnitPrice"] = "10.005", ["Catalog:TicketTypes:odd:Currency"] = "EUR", ["Catalog:TicketTypes:odd:Name"] = "Odd" });

        Assert.Equal(typeof(CatalogOptions), failure.OptionsType);
        Assert.Equal(["Catalog:TicketTypes:odd:UnitPrice/Currency cannot be charged: 10.005 EUR has more decimals than the currency allows (2). (Parameter 'amount')"], FailedStart.Messages(failure));
    }

    /// Builds a host with just the app's auth and bookings registrations, so the only invalid options are the ones
    /// under test, and runs the start-up validation that Host.StartAsync runs first (FailedStart does the same for
    /// the whole registration).
    private static OptionsValidationException StartFailure(string environment, Dictionary<string, string?> settings)
    {
        var config = new Dictionary<string, string?>
        {
            ["Auth:Audience"] = TestTokens.Audience,
            ["Catalog:TicketTypes:standard:Name"] = "Standard",
            ["Catalog:TicketTypes:standard:UnitPrice"] = "25.00",
            ["Catalog:TicketTypes:standard:Currency"] = "EUR",
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSpaAuth();
        builder.Services.RefuseStandInsWhereLive();
        builder.Services.AddBookings();
        using var app = builder.Build();
        var failure = Record.Exception(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        return failure as OptionsValidationException
            ?? (failure as AggregateException)?.InnerExceptions.OfType<OptionsValidationException>().FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"Expected an OptionsValidationException, got {failure?.GetType().Name ?? "none"}: {failure?.Message}");
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/payments/intents");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
        return request;
    }

    private static string Token(DateTime? notBefore = null, DateTime? expires = null, string? subject = "alice", Dictionary<string, object>? header = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            AdditionalHeaderClaims = header,
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Subject = new ClaimsIdentity([subject is null ? new Claim("name", "no subject") : new Claim("sub", subject), new Claim("scp", TestTokens.Scope)]),
            NotBefore = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            IssuedAt = notBefore ?? DateTime.UtcNow.AddMinutes(-1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
}
