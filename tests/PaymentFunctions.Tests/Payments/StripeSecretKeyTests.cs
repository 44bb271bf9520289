using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// Stripe masks keys in its error messages, but a proxy or a broken emulator might not, and Stripe.net puts the
/// server's message into StripeException.Message: neither the SPA nor the logs may ever see the key.
[Collection(AppHostGroup.Name)]
public sealed class StripeSecretKeyTests
{
    [Fact]
    public async Task TheSecretKeyReachesNeitherTheSpaNorTheLogsEvenWhenStripesAnswerEchoesIt()
    {
        await using var echo = await StartEchoingStripeAsync();
        var logs = new CapturingLoggerProvider();
        await using var host = await PaymentAppHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Stripe:ApiBase"] = echo.Urls.First() },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var alice = host.ClientFor("alice");
        var bookingId = await NewBookingIdAsync(alice);

        var refused = await CreateIntentAsync(alice, bookingId);

        refused.AssertProblem(HttpStatusCode.BadGateway);
        Assert.DoesNotContain(PaymentAppHost.StripeKey, refused.Body, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, line => line.Contains("invalid_request_error", StringComparison.Ordinal)); // the failure was logged
        Assert.DoesNotContain(logs.Lines, line => line.Contains(PaymentAppHost.StripeKey, StringComparison.Ordinal));
    }

    /// A "Stripe" that answers every request with a 400 whose message repeats the bearer key it was sent.
    private static async Task<WebApplication> StartEchoingStripeAsync()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        app.Urls.Add($"http://127.0.0.1:{FreePort.Next()}");
        app.Run(http =>
        {
            var key = http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
            http.Response.StatusCode = 400;
            http.Response.Headers["Request-Id"] = "req_echo";
            return http.Response.WriteAsJsonAsync(new { error = new { type = "invalid_request_error", code = "parameter_invalid", message = $"Key {key} is not welcome here." } });
        });
        await app.StartAsync();
        return app;
    }
}
