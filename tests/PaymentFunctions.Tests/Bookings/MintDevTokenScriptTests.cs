using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

[Collection(AppHostGroup.Name)]
public sealed class MintDevTokenScriptTests
{
    [Fact]
    public async Task TheReadmesTokenScriptMintsATokenTheAppAccepts()
    {
        await using var host = await PaymentAppHost.StartAsync();
        var token = await MintAsync("readme-user");
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var created = await CreateBookingAsync(client);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("readme-user", host.Tables.Bookings.QueryAsync<Azure.Data.Tables.TableEntity>($"RowKey eq 'booking'").ToBlockingEnumerable().Single().GetString("UserId"));
    }

    private static async Task<string> MintAsync(string user)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "tools", "mint-dev-token.sh"), user])
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
