using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

/// tools/mint-dev-token.sh as the README's journey and docs/http-api.md ("Development tokens") use it.
[Collection(AppHostGroup.Name)]
public sealed class MintDevTokenScriptTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task TheReadmesTokenScriptMintsATokenTheAppAccepts()
    {
        var host = fixture.Host;
        var user = NewUser("readme-user");
        var token = await MintAsync(user);
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var created = await CreateBookingAsync(client);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(user, (await TestBookings.LoadAsync(host, created.Text("id"))).UserId);
    }

    [Fact]
    public async Task ATokenMintedWithThePaymentsAdminRoleReachesStaffRefundsAndOneWithoutIsForbidden()
    {
        var host = fixture.Host;
        using var staff = ClientWith(host, await MintAsync("staff-1", "600", "--role", "payments.admin"));
        using var plain = ClientWith(host, await MintAsync("staff-2", "--role", "payments.viewer"));

        var asStaff = await PostAsync(staff, "/api/admin/bookings/bk_00000000000000000000000000/refunds", """{"amount":100,"reason":"requested_by_customer"}""", "mint-1");
        var asPlain = await PostAsync(plain, "/api/admin/bookings/bk_00000000000000000000000000/refunds", """{"amount":100,"reason":"requested_by_customer"}""", "mint-2");

        asStaff.AssertProblem(HttpStatusCode.NotFound);
        asPlain.AssertProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnAppOnlyTokenAndOneWithoutTheSpaScopeAreForbiddenWhileExtraScopesAndAnotherAudienceBehaveAsMinted()
    {
        var host = fixture.Host;
        using var appOnly = ClientWith(host, await MintAsync(NewUser("service"), "--app-only"));
        using var otherScope = ClientWith(host, await MintAsync(NewUser("reader"), "--scope", "openid"));
        using var moreScopes = ClientWith(host, await MintAsync(NewUser("reader"), "--scope", "openid", "--scope", "payments.access"));
        using var otherAudience = ClientWith(host, await MintAsync(NewUser("reader"), "--audience", "api://someone-else"));

        (await CreateBookingAsync(appOnly)).AssertProblem(HttpStatusCode.Forbidden);
        (await CreateBookingAsync(otherScope)).AssertProblem(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await CreateBookingAsync(moreScopes)).Status);
        (await CreateBookingAsync(otherAudience)).AssertProblem(HttpStatusCode.Unauthorized);
    }

    private static HttpClient ClientWith(PaymentAppHost host, string token)
    {
        var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> MintAsync(string user, params string[] options)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "tools", "mint-dev-token.sh"), user, .. options])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["AUTH_DEV_SIGNING_KEY"] = TestTokens.SigningKey, ["AUTH_AUDIENCE"] = TestTokens.Audience },
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return output.Trim();
    }
}
