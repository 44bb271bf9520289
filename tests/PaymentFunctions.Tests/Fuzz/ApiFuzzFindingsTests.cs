using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Fuzz;

/// What the API fuzz test found, and what Kestrel answers by itself (issue 12 item 5), request by request.
[Collection(AppHostGroup.Name)]
public sealed class ApiFuzzFindingsTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Fact]
    public async Task ARefusedRequestUnderAnIdempotencyKeyStoresNothingAndTheFixedRequestMayReuseTheKey()
    {
        var aliceId = NewUser("fuzz-finding-alice");
        using var alice = _host.ClientFor(aliceId);

        var refused = await CreateBookingAsync(alice, quantity: 0, idempotencyKey: "\"fix-and-retry\"");
        var idempotencyRows = await IdempotencyRowsAsync(_host, aliceId);
        var fixedRequest = await CreateBookingAsync(alice, quantity: 1, idempotencyKey: "\"fix-and-retry\"");

        refused.AssertProblem(HttpStatusCode.BadRequest);
        Assert.Equal(0, idempotencyRows);
        Assert.Equal(HttpStatusCode.Created, fixedRequest.Status);
        Assert.False(fixedRequest.Replayed);
    }

    /// Seed b4BJ7ZEmBm53: the customer's Stripe Idempotency-Key carried the user id, and an HTTP header carries
    /// ASCII only, so a user whose id has an "é" could never create a PaymentIntent (503 "Stripe is unavailable").
    [Fact]
    public async Task AUserWhoseIdIsNotAsciiCanCreateAPaymentIntent()
    {
        using var user = _host.ClientFor("fuzz-finding-jos\u00e9");

        var intent = await CreateIntentAsync(user, await NewBookingIdAsync(user));

        Assert.Equal(HttpStatusCode.Created, intent.Status);
    }

    /// Seed aRMarke692f8: a "sub" holding a NUL reached Stripe as the customer's metadata, a form value the other side
    /// could not decode, and the caller got 503 "Stripe is unavailable". Such a token is now refused at the door.
    [Fact]
    public async Task ATokenWhoseSubjectHoldsControlCharactersIsRefusedBeforeAnythingReachesStripe()
    {
        using var user = _host.ClientFor("fuzz-finding-nul\u0000\u000a");

        var booking = await user.PostAsJsonAsync("/api/bookings", new { ticketTypeId = "standard", quantity = 1 });

        Assert.Equal(HttpStatusCode.Unauthorized, booking.StatusCode);
        Assert.Equal("application/problem+json", booking.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ABodyOverTheAppsLimitSentInChunksIsA413ProblemFromTheApp()
    {
        using var alice = _host.ClientFor("fuzz-finding-bob");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"ticketTypeId\":\"{new string('s', 20 * 1024)}\",\"quantity\":1}}"))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        var answer = await Answer.ReadAsync(await alice.SendAsync(request));

        answer.AssertProblem(HttpStatusCode.RequestEntityTooLarge);
    }

    /// Kestrel refuses these before any middleware of the app runs, with an empty body: docs/http-api.md says so.
    [Theory]
    [InlineData("a NUL in the path", "GET /api/bookings/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400)]
    [InlineData("a request line over 8 KiB", "GET /api/bookings/{long} HTTP/1.1\r\nHost: x\r\n\r\n", 414)]
    [InlineData("headers over 32 KiB", "GET /api/bookings/x HTTP/1.1\r\nHost: x\r\nX-Big: {huge}\r\n\r\n", 431)]
    public async Task KestrelAnswersSomeRequestsByItselfWithAnEmptyBody(string what, string request, int status)
    {
        var raw = request.Replace("{long}", new string('a', 10_000), StringComparison.Ordinal).Replace("{huge}", new string('h', 33 * 1024), StringComparison.Ordinal);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_host.Client.BaseAddress!.Host, _host.Client.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
        using var reader = new StreamReader(stream, Encoding.ASCII);

        var answer = await reader.ReadToEndAsync();

        Assert.True(answer.StartsWith($"HTTP/1.1 {status} ", StringComparison.Ordinal), $"{what}: {answer}");
        Assert.Contains("Content-Length: 0\r\n", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type", answer, StringComparison.Ordinal);
    }
}
