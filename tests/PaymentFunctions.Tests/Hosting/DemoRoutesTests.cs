using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PaymentFunctions.Hosting.Standalone.Demo;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Hosting;

/// The demo page's files and its /dev routes on the shared Development host (real Kestrel on 127.0.0.1).
[Collection(AppHostGroup.Name)]
public sealed class DemoRoutesTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task TheDevTokenHelperMintsATokenTheApiAcceptsWithItsRoles()
    {
        var host = fixture.Host;
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        var user = NewUser("demo-staff");

        var minted = await PostAsync(anonymous, "/dev/token", $$"""{"userId":"{{user}}","roles":["payments.admin"]}""");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", minted.Text("token"));
        var booking = await CreateBookingAsync(anonymous);
        var asStaff = await GetAsync(anonymous, $"/api/admin/bookings/{booking.Text("id")}");

        Assert.Equal(HttpStatusCode.OK, minted.Status);
        Assert.Equal(user, minted.Text("userId"));
        Assert.Equal(["payments.admin"], minted.Json.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var expiresAt = minted.Json.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Created, booking.Status);
        Assert.Equal(user, (await TestBookings.LoadAsync(host, booking.Text("id"))).UserId);
        Assert.Equal(HttpStatusCode.OK, asStaff.Status);
    }

    [Theory]
    [InlineData("""{"roles":[]}""", "userId")]
    [InlineData("""{"userId":""}""", "userId")]
    [InlineData("""{"userId":"eve\u0000"}""", "userId")]
    [InlineData("""{"userId":"eve","roles":["payments admin"]}""", "roles")]
    public async Task ABadTokenRequestIsAProblemNamingTheField(string body, string field)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Host.Client.BaseAddress };

        var answer = await PostAsync(anonymous, "/dev/token", body);

        answer.AssertProblem(HttpStatusCode.BadRequest);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("Host", "rebound.example:7071")]
    public async Task ARequestForwardedOrAddressedToAnotherHostIsRefused(string header, string value)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Host.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dev/token") { Content = new StringContent("""{"userId":"mallory"}""", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(header, value);

        var answer = await Answer.ReadAsync(await anonymous.SendAsync(request));
        var config = await Answer.ReadAsync(await anonymous.SendAsync(WithHeader(new HttpRequestMessage(HttpMethod.Get, "/dev/config"), header, value)));

        answer.AssertProblem(HttpStatusCode.Forbidden);
        Assert.False(answer.Json.TryGetProperty("token", out _), answer.Body);
        config.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheConfigNamesTheEmulatorThePublishableKeyAndTheCataloguesTicketTypes()
    {
        var host = fixture.Host;
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };

        var config = await GetAsync(anonymous, "/dev/config");

        Assert.Equal(HttpStatusCode.OK, config.Status);
        Assert.Equal(host.EmulatorUri.GetLeftPart(UriPartial.Authority), config.Json.GetProperty("stripe").GetProperty("apiBase").GetString());
        Assert.Equal("pk_test_emulator", config.Json.GetProperty("stripe").GetProperty("publishableKey").GetString());
        Assert.Equal(
            ["manama BHD 12500", "standard EUR 2500", "tokyo JPY 5000", "vip EUR 12000"],
            config.Json.GetProperty("ticketTypes").EnumerateArray().Select(t => $"{t.GetProperty("id").GetString()} {t.GetProperty("currency").GetString()} {t.GetProperty("unitAmount").GetInt64()}"));
        // The page shows "Pay with Checkout" only where the build has the Checkout function.
        Assert.Equal(PaymentFunctions.Hosting.FunctionCatalog.All.Any(f => f.Http?.Route == DemoConfigEndpoint.CheckoutRoute), config.Json.GetProperty("checkout").GetBoolean());
    }

    [Fact]
    public async Task ThePageIsServedAtTheRootWithAPolicyThatLetsItTalkOnlyToTheAppAndStripe()
    {
        var host = fixture.Host;
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };

        using var page = await anonymous.GetAsync("/");
        using var script = await anonymous.GetAsync("/app.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"app.js\" defer></script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal($"default-src 'self'; connect-src 'self' {host.EmulatorUri.GetLeftPart(UriPartial.Authority)}; frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string header, string value)
    {
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }
}
