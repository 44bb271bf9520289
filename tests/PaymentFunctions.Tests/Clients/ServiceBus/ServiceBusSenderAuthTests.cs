using System.Net;
using Azure.Core;
using PaymentFunctions.Clients.ServiceBus;
using PaymentFunctions.Tests.Fakes;
using static PaymentFunctions.Tests.Clients.ServiceBus.ServiceBusTestSenders;

namespace PaymentFunctions.Tests.Clients.ServiceBus;

public sealed class ServiceBusSenderAuthTests
{
    [Fact]
    public async Task SendAsync_WithAConnectionString_SignsWithAOneHourSasTheFakeVerifies()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await Sender(fake, "payments").SendAsync(new ServiceBusMessage("x"));

        var expiry = Assert.Single(fake.SasExpiries);
        Assert.InRange(expiry, before + 3600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);
    }

    [Fact]
    public async Task SendAsync_AfterTheTokenExpired_RenewsItAndIsAccepted()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        fake.TimeProvider = clock;
        var sender = Sender(fake, "payments", FastRetries(clock));

        await sender.SendAsync(new ServiceBusMessage("1"));
        clock.Advance(TimeSpan.FromMinutes(30));
        await sender.SendAsync(new ServiceBusMessage("2"));
        clock.Advance(TimeSpan.FromHours(2));
        await sender.SendAsync(new ServiceBusMessage("3"));

        var expiries = fake.SasExpiries;
        Assert.Equal(3, expiries.Count);
        Assert.Equal(expiries[0], expiries[1]); // cached while fresh
        Assert.Equal(expiries[0] + (long)TimeSpan.FromMinutes(150).TotalSeconds, expiries[2]);
        Assert.Equal(3, fake.Messages("payments").Count);
    }

    [Fact]
    public async Task SendAsync_WithAnEntraIdCredential_SendsItsBearerTokenForTheServiceBusScope()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        fake.AcceptBearerToken("entra-token-1");
        var credential = new StubTokenCredential("entra-token-1");
        var sender = new ServiceBusSender(fake.HttpsEndpoint, "payments", credential, FastRetries(transport: FakeServiceBus.CreateHttpsTransport()));

        await sender.SendAsync(new ServiceBusMessage("x") { MessageId = "entra-1" });

        Assert.Equal("entra-1", Assert.Single(fake.Messages("payments")).MessageId);
        Assert.Equal(["https://servicebus.azure.net/.default"], credential.RequestedScopes);
        Assert.Empty(fake.SasExpiries);
    }

    [Fact]
    public async Task SendAsync_WithABearerTokenTheNamespaceDoesNotAccept_Throws401()
    {
        await using var fake = await FakeServiceBus.StartAsync("payments");
        var sender = new ServiceBusSender(fake.HttpsEndpoint, "payments", new StubTokenCredential("stranger"), FastRetries(transport: FakeServiceBus.CreateHttpsTransport()));

        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => sender.SendAsync(new ServiceBusMessage("x")));

        Assert.Equal((int)HttpStatusCode.Unauthorized, error.Status);
        Assert.DoesNotContain("stranger", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionString_WithAnSbEndpoint_PostsToTheHttpsMessagesAddressWithTheApiVersionAndEntityScopedSas()
    {
        var capture = new CapturingHandler();
        var options = FastRetries(transport: new Azure.Core.Pipeline.HttpClientTransport(capture));
        var sender = new ServiceBusSender("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=abc=;EntityPath=payments", "payments", options);

        await sender.SendAsync(new ServiceBusMessage("x"));

        var request = Assert.Single(capture.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://contoso.servicebus.windows.net/payments/messages?api-version=2015-01", request.RequestUri!.AbsoluteUri);
        Assert.StartsWith("SharedAccessSignature sr=https%3A%2F%2Fcontoso.servicebus.windows.net%2Fpayments&sig=", request.Headers.Authorization!.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("&skn=send", request.Headers.Authorization!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionString_ScopedToAnotherEntity_IsRefusedWithoutEchoingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ServiceBusSender("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=s3cret=;EntityPath=bookings", "payments"));

        Assert.Contains("bookings", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    private sealed class StubTokenCredential(string token) : TokenCredential
    {
        public List<string> RequestedScopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (RequestedScopes)
            {
                RequestedScopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created));
        }
    }
}
