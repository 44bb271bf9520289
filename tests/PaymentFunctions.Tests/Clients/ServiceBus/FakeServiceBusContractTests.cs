using System.Net;
using System.Text;
using PaymentFunctions.Clients.ServiceBus;
using PaymentFunctions.Tests.Fakes;

namespace PaymentFunctions.Tests.Clients.ServiceBus;

/// The fake is "the real Service Bus" for other tests, so its refusals are tested with raw HTTP, not only via the sender.
public sealed class FakeServiceBusContractTests
{
    private static readonly HttpClient Http = new();

    [Fact]
    public async Task ATokenScopedToAnotherTopic_IsRejected()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments", "bookings");

        var status = await PostAsync(fake, "payments", Token(fake, "bookings"), "application/json", "{}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("SAS resource (sr) does not cover this topic", fake.LastRejection);
    }

    [Fact]
    public async Task ATokenScopedToTheNamespace_CoversEveryTopic()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");

        var status = await PostAsync(fake, "payments", Token(fake, string.Empty), "application/json", "{}");

        Assert.Equal(HttpStatusCode.Created, status);
    }

    [Theory]
    [InlineData("application/vnd.microsoft.servicebus.json", """{"Body":"not an array"}""")]
    [InlineData("application/vnd.microsoft.servicebus.json", """[{"Body":"x","BrokerProperties":{"TimeToLive":"forty"}}]""")]
    [InlineData("application/vnd.microsoft.servicebus.json", """[{"Body":"x","BrokerProperties":{"ScheduledEnqueueTimeUtc":"2030-01-02T03:04:05Z"}}]""")]
    [InlineData("application/vnd.microsoft.servicebus.json", """[{"Body":"x","UserProperties":{"Nested":{"a":1}}}]""")]
    [InlineData("application/vnd.microsoft.servicebus.json", """[{"BrokerProperties":{"MessageId":"no body"}}]""")]
    public async Task AMalformedBatch_IsRejectedWith400AndStoresNothing(string contentType, string body)
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");

        var status = await PostAsync(fake, "payments", Token(fake, "payments"), contentType, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(0, fake.Received);
    }

    [Fact]
    public async Task AMalformedBrokerPropertiesHeader_IsRejectedWith400()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        using var request = Request(fake, "payments", Token(fake, "payments"), "text/plain", "x");
        request.Headers.TryAddWithoutValidation("BrokerProperties", "{MessageId: unquoted");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static string Token(FakeServiceBus fake, string path) =>
        ServiceBusSasCredential.CreateToken(
            new Uri(fake.Endpoint, path).AbsoluteUri.TrimEnd('/'),
            fake.KeyName,
            Encoding.UTF8.GetBytes(fake.Key),
            DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());

    private static async Task<HttpStatusCode> PostAsync(FakeServiceBus fake, string topic, string token, string contentType, string body)
    {
        using var request = Request(fake, topic, token, contentType, body);
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpRequestMessage Request(FakeServiceBus fake, string topic, string token, string contentType, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fake.Endpoint, $"{topic}/messages?api-version=2015-01"))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return request;
    }
}
