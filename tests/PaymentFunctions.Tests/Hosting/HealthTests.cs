using System.Net;
using System.Text.Json;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Hosting;

[Collection(AppHostGroup.Name)]
public sealed class HealthTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task HealthIsHealthyWhenTableStorageAnswers()
    {
        var host = fixture.Host;

        var response = await host.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("up", body.RootElement.GetProperty("checks").GetProperty("tableStorage").GetString());
    }

    [Fact]
    public async Task HealthReportsA503ProblemWhileAzuriteIsDownAndRecoversWithoutARestart()
    {
        // Its own host on its own Azurite: the test stops the storage the host talks to.
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await PaymentAppHost.StartAsync(settings: new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString });
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/api/health")).StatusCode);

        azurite.Kill();
        var down = await host.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await down.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Table Storage is unavailable", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal("down", problem.RootElement.GetProperty("checks").GetProperty("tableStorage").GetString());
        }

        await azurite.RestartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/api/health")).StatusCode);
    }
}
