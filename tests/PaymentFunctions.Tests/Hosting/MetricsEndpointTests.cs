using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Hosting.Standalone;

namespace PaymentFunctions.Tests.Hosting;

/// Who may scrape GET /metrics (the scrape itself: Telemetry/MetricsTests, over loopback).
public sealed class MetricsEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("::1", false, true)]
    [InlineData("::ffff:127.0.0.1", false, true)]
    [InlineData("10.1.2.3", false, false)]
    [InlineData("2001:db8::1", false, false)]
    [InlineData("10.1.2.3", true, true)]
    public void OnlyThisMachineMayScrapeUnlessTheSettingAllowsOthers(string caller, bool allowRemote, bool allowed) =>
        Assert.Equal(allowed, MetricsEndpoint.Allows(IPAddress.Parse(caller), allowRemote));

    [Fact]
    public async Task ARemoteCallerGetsA403ProblemNamingTheSettingAndNothingIsRead()
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().AddSingleton(Options.Create(new MetricsOptions())).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        context.Response.Body = new MemoryStream();
        var scraped = false;

        await MetricsEndpoint.BeforeScrapeAsync(context, _ =>
        {
            scraped = true;
            return Task.CompletedTask;
        });

        Assert.False(scraped);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Contains("Metrics:AllowRemoteScrape", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
