using System.Net;
using System.Text.Json;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// Issue 3's "Done means", tried as a new user would.
[Collection(AppHostGroup.Name)]
public sealed class PaymentIntentJourneyTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task ANewUserBooksGetsAnIntentAndEveryWrongTurnIsAProblem()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        using var mallory = host.ClientFor(NewUser("mallory"));
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };

        var bookingId = await NewBookingIdAsync(alice, "standard", 2);
        var first = await CreateIntentAsync(alice, bookingId, "pay-1");
        var again = await CreateIntentAsync(alice, bookingId);
        var reusedKey = await CreateIntentAsync(alice, await NewBookingIdAsync(alice), "pay-1");
        var noToken = await CreateIntentAsync(anonymous, bookingId);
        var foreign = await CreateIntentAsync(mallory, bookingId);
        var foreignRead = await GetAsync(mallory, $"/api/payments/{bookingId}");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal($"/api/payments/{bookingId}", first.Response.Headers.Location?.OriginalString);
        var intentId = first.Text("paymentIntentId");
        Assert.StartsWith("pi_", intentId, StringComparison.Ordinal);
        Assert.StartsWith(intentId + "_secret_", first.Text("clientSecret"), StringComparison.Ordinal);
        Assert.Equal(5000, first.Number("amount"));
        Assert.Equal("EUR", first.Text("currency"));
        Assert.Equal("requires_payment_method", first.Text("status"));
        Assert.Equal(bookingId, first.Text("bookingId"));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(intentId, again.Text("paymentIntentId"));
        Assert.Equal(first.Text("clientSecret"), again.Text("clientSecret"));
        reusedKey.AssertProblem(HttpStatusCode.UnprocessableEntity);
        noToken.AssertProblem(HttpStatusCode.Unauthorized);
        foreign.AssertProblem(HttpStatusCode.NotFound);
        foreignRead.AssertProblem(HttpStatusCode.NotFound);

        // What Stripe holds: the catalogue price in minor units, our metadata, automatic payment methods.
        var atStripe = host.EmulatorState.FindPaymentIntent(intentId)!;
        Assert.Equal(5000, (long)atStripe["amount"]!);
        Assert.Equal("eur", (string?)atStripe["currency"]);
        Assert.Equal(bookingId, (string?)atStripe["metadata"]!["bookingId"]);
        Assert.Equal(aliceId, (string?)atStripe["metadata"]!["userId"]);
        Assert.True((bool)atStripe["automatic_payment_methods"]!["enabled"]!);
        Assert.Single(host.EmulatorState.IntentsFor(bookingId));

        var booking = await GetAsync(alice, $"/api/bookings/{bookingId}");
        Assert.Equal(intentId, booking.Text("paymentIntentId"));
        Assert.Equal(new IndexedIntent(bookingId, null), await IntentIndex.FindAsync(host.Tables, intentId, default));
    }

    [Fact]
    public async Task AZeroDecimalBookingGetsAnIntentForTheWholeYenAmount()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));

        var intent = await CreateIntentAsync(alice, await NewBookingIdAsync(alice, "tokyo", 3));

        Assert.Equal(HttpStatusCode.Created, intent.Status);
        Assert.Equal(15000, intent.Number("amount"));
        Assert.Equal("JPY", intent.Text("currency"));
        Assert.Equal(15000, (long)host.EmulatorState.FindPaymentIntent(intent.Text("paymentIntentId"))!["amount"]!);
    }

    [Fact]
    public async Task FiftyConcurrentCallsForOneBookingCreateExactlyOnePaymentIntent()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => CreateIntentAsync(alice, bookingId)));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"{a.Status}: {a.Body}"));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Single(answers.Select(a => a.Text("paymentIntentId")).Distinct());
        Assert.Single(host.EmulatorState.IntentsFor(bookingId));
    }

    [Fact]
    public async Task ACrashBetweenStripesAnswerAndOurWriteIsHealedByTheRetryWithTheSameIntent()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);
        var fired = 0;
        host.Faults.Rule = point => point == FaultInjection.IntentAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await CreateIntentAsync(alice, bookingId);
        var storedAfterCrash = await GetAsync(alice, $"/api/bookings/{bookingId}");
        var retried = await CreateIntentAsync(alice, bookingId);

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Equal(JsonValueKind.Null, storedAfterCrash.Json.GetProperty("paymentIntentId").ValueKind);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        var atStripe = Assert.Single(host.EmulatorState.IntentsFor(bookingId));
        Assert.Equal((string?)atStripe["id"], retried.Text("paymentIntentId"));
        Assert.Equal(retried.Text("paymentIntentId"), (await GetAsync(alice, $"/api/bookings/{bookingId}")).Text("paymentIntentId"));
    }

    [Fact]
    public async Task StripeDownIsA503ProblemWithRetryAfterThatStoresNothingNotEvenTheIdempotencyKey()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var bookingId = await NewBookingIdAsync(alice);
        await ArmStripeFaultAsync(host, new { path = "/v1/payment_intents", method = "POST", status = 503, count = 10 });

        var down = await CreateIntentAsync(alice, bookingId, "pay-while-down");
        var bookingWhileDown = await GetAsync(alice, $"/api/bookings/{bookingId}");
        var keysWhileDown = await IdempotencyRowsAsync(host, aliceId);
        await ClearStripeFaultsAsync(host);
        var recovered = await CreateIntentAsync(alice, bookingId, "pay-while-down");

        down.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("5", down.Response.Headers.GetValues("Retry-After").Single());
        Assert.DoesNotContain(PaymentAppHost.StripeKey, down.Body, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, bookingWhileDown.Json.GetProperty("paymentIntentId").ValueKind);
        Assert.Equal(0, keysWhileDown);
        Assert.Equal(HttpStatusCode.Created, recovered.Status);
        Assert.False(recovered.Replayed);
        Assert.Single(host.EmulatorState.IntentsFor(bookingId));
    }

    [Fact]
    public async Task AStripeErrorKeptUnderTheIdempotencyKeyMovesTheBookingToItsNextAttempt()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);
        // A 500 while Stripe executed the request: Stripe keeps it under pi-create:{booking}:1 and replays it.
        await ArmStripeFaultAsync(host, new { path = "/v1/payment_intents", method = "POST", status = 500, count = 1, savedUnderKey = true });

        var created = await CreateIntentAsync(alice, bookingId);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var atStripe = Assert.Single(host.EmulatorState.IntentsFor(bookingId));
        Assert.Equal((string?)atStripe["id"], created.Text("paymentIntentId"));
        var booking = PaymentFunctions.Bookings.Booking.FromEntity((await host.Tables.Bookings.FindAsync(bookingId, RowKeys.Booking, CancellationToken.None))!);
        Assert.Equal(2, booking.IntentAttempt);
    }

    [Fact]
    public async Task AStripeValidationErrorIsA502ProblemWithStripesRequestId()
    {
        // The emulator, like a Stripe account that does not settle it, refuses BHD: an invalid_request_error.
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice, "manama", 1);

        var refused = await CreateIntentAsync(alice, bookingId);

        refused.AssertProblem(HttpStatusCode.BadGateway);
        Assert.StartsWith("req_", refused.Text("stripeRequestId"), StringComparison.Ordinal);
        Assert.Contains("invalid_request_error", refused.Text("detail"), StringComparison.Ordinal);
        Assert.Empty(host.EmulatorState.IntentsFor(bookingId));
    }

    [Fact]
    public async Task PayingWithATestCardConfirmsTheBookingAndThePaymentStatusShowsIt()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);
        var intentId = (await CreateIntentAsync(alice, bookingId)).Text("paymentIntentId");
        var beforePaying = await GetAsync(alice, $"/api/payments/{bookingId}");

        using var stripe = host.StripeClientForTests();
        using var confirm = await stripe.PostAsync($"/v1/payment_intents/{intentId}/confirm", new FormUrlEncodedContent([new("payment_method", "pm_card_visa"), new("return_url", EmulatorCalls.ReturnUrl)]));
        confirm.EnsureSuccessStatusCode();
        var booking = await TestBookings.EventuallyAsync(() => GetAsync(alice, $"/api/bookings/{bookingId}"), b => b.Text("status") == "CONFIRMED", $"booking {bookingId} to be CONFIRMED", TimeSpan.FromSeconds(5));
        var payment = await TestBookings.EventuallyAsync(() => GetAsync(alice, $"/api/payments/{bookingId}"), p => p.Json.GetProperty("payment").ValueKind == JsonValueKind.Object && p.Json.GetProperty("payment").GetProperty("status").GetString() == "succeeded", $"booking {bookingId}'s payment to show succeeded", TimeSpan.FromSeconds(5));
        var afterPaying = await CreateIntentAsync(alice, bookingId);

        Assert.Equal(JsonValueKind.Null, beforePaying.Json.GetProperty("payment").ValueKind);
        Assert.Equal("PENDING", beforePaying.Text("bookingStatus"));
        Assert.Equal("CONFIRMED", booking.Text("status"));
        var last = booking.Json.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("PENDING", last.GetProperty("from").GetString());
        Assert.Equal("CONFIRMED", last.GetProperty("to").GetString());
        Assert.Equal("bookticket.payments.payment_succeeded.v1", last.GetProperty("cause").GetString());
        Assert.EndsWith(":payment_intent.succeeded", last.GetProperty("eventId").GetString(), StringComparison.Ordinal);
        Assert.Equal(intentId, payment.Json.GetProperty("payment").GetProperty("paymentIntentId").GetString());
        afterPaying.AssertProblem(HttpStatusCode.Conflict);
    }
}
