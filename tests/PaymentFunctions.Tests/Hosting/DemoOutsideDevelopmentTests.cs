using System.Net;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Hosting;

/// Outside Development the demo does not exist: no page, no token helper, no config (404 like any unknown path),
/// while the API's contract is still served. The same rule as the stand-ins (StandIns.AllowedIn).
public sealed class DemoOutsideDevelopmentTests
{
    [Fact]
    public async Task InProductionTheDemoPageAndItsDevRoutesAreAbsentAndTheOpenApiDocumentIsServed()
    {
        using var factory = StartupConfigurationTests.Start("Production", StartupConfigurationTests.ValidSettings());
        using var client = factory.CreateClient();

        var answers = new Dictionary<string, HttpStatusCode>();
        foreach (var (method, path) in new[] { ("GET", "/"), ("GET", "/index.html"), ("GET", "/app.js"), ("POST", "/dev/token"), ("GET", "/dev/config") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("""{"userId":"alice"}""", System.Text.Encoding.UTF8, "application/json") : null };
            using var response = await client.SendAsync(request);
            answers[$"{method} {path}"] = response.StatusCode;
        }

        using var openApi = await client.GetAsync("/openapi.json");

        Assert.All(answers, a => Assert.True(a.Value == HttpStatusCode.NotFound, $"{a.Key} answered {a.Value}"));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(await File.ReadAllBytesAsync(OpenApiContract.DocumentPath), await openApi.Content.ReadAsByteArrayAsync());
    }
}
