using System.Net;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.Refunds.RefundCalls;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// savePaymentMethod on POST /api/payments/intents, GET /api/payment-methods, DELETE /api/payment-methods/{id}.
[Collection(AppHostGroup.Name)]
public sealed class SavedCardsTests(InProcessAppHost fixture)
{
    private static Task<Answer> CreateSavingIntentAsync(HttpClient client, string bookingId, bool save = true) =>
        PostAsync(client, "/api/payments/intents", $$"""{"bookingId":"{{bookingId}}","savePaymentMethod":{{(save ? "true" : "false")}}}""");

    [Fact]
    public async Task ACardSavedWithAPaymentIsListedThenDetachedAndAnotherUsersIdIsA404LikeAMissingOne()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var bob = host.ClientFor(NewUser("bob"));
        var bookingId = await NewBookingIdAsync(alice);
        var intent = await CreateSavingIntentAsync(alice, bookingId);
        var intentId = intent.Text("paymentIntentId");
        using var stripe = host.StripeClientForTests();
        Assert.Equal(HttpStatusCode.OK, (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_mastercard")).StatusCode);
        await StatusEventuallyAsync(alice, bookingId, BookingStatus.CONFIRMED);
        await CreateIntentAsync(bob, await NewBookingIdAsync(bob)); // bob has a customer too, with no cards

        var listed = await GetAsync(alice, "/api/payment-methods");
        var card = Assert.Single(listed.Json.GetProperty("data").EnumerateArray());
        var cardId = card.GetProperty("id").GetString()!;
        var bobsList = await GetAsync(bob, "/api/payment-methods");
        var bobDetaches = await DeleteAsync(bob, $"/api/payment-methods/{cardId}");
        var missing = await DeleteAsync(bob, "/api/payment-methods/pm_doesnotexist");
        var malformed = await DeleteAsync(alice, "/api/payment-methods/..%2Fcustomers");
        var stillThere = await GetAsync(alice, "/api/payment-methods");
        var detached = await DeleteAsync(alice, $"/api/payment-methods/{cardId}");
        var afterDetach = await GetAsync(alice, "/api/payment-methods");
        var detachedAgain = await DeleteAsync(alice, $"/api/payment-methods/{cardId}");

        Assert.Equal("off_session", (string?)host.EmulatorState.FindPaymentIntent(intentId)!["setup_future_usage"]);
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal((string?)host.EmulatorState.FindPaymentIntent(intentId)!["payment_method"], cardId);
        Assert.Equal("mastercard", card.GetProperty("brand").GetString());
        Assert.Equal("4444", card.GetProperty("last4").GetString());
        Assert.Equal(12, card.GetProperty("expMonth").GetInt32());
        Assert.Equal(2034, card.GetProperty("expYear").GetInt32());
        Assert.Empty(bobsList.Json.GetProperty("data").EnumerateArray());
        bobDetaches.AssertProblem(HttpStatusCode.NotFound);
        missing.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(missing.Text("title"), bobDetaches.Text("title"));
        Assert.Equal(missing.Text("detail"), bobDetaches.Text("detail"));
        malformed.AssertProblem(HttpStatusCode.NotFound);
        Assert.Single(stillThere.Json.GetProperty("data").EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, detached.Status);
        Assert.Empty(afterDetach.Json.GetProperty("data").EnumerateArray());
        detachedAgain.AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WithoutSavingNothingIsKeptAndAnOpenIntentFollowsWhatTheCallerAsksNow()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        using var newcomer = host.ClientFor(NewUser("newcomer"));
        var bookingId = await NewBookingIdAsync(alice);

        var plain = await CreateSavingIntentAsync(alice, bookingId, save: false);
        var intentId = plain.Text("paymentIntentId");
        var notSaving = (string?)host.EmulatorState.FindPaymentIntent(intentId)!["setup_future_usage"];
        var saving = await CreateSavingIntentAsync(alice, bookingId);
        var nowSaving = (string?)host.EmulatorState.FindPaymentIntent(intentId)!["setup_future_usage"];
        var notAnyMore = await CreateIntentAsync(alice, bookingId);
        var noCustomerYet = await GetAsync(newcomer, "/api/payment-methods");

        Assert.Null(notSaving);
        Assert.Equal(HttpStatusCode.OK, saving.Status);
        Assert.Equal(intentId, saving.Text("paymentIntentId"));
        Assert.Equal("off_session", nowSaving);
        Assert.Equal(intentId, notAnyMore.Text("paymentIntentId"));
        Assert.Null((string?)host.EmulatorState.FindPaymentIntent(intentId)!["setup_future_usage"]);
        Assert.Equal(HttpStatusCode.OK, noCustomerYet.Status);
        Assert.Empty(noCustomerYet.Json.GetProperty("data").EnumerateArray());
        Assert.Single(host.EmulatorState.IntentsFor(bookingId));
    }

    [Fact]
    public async Task ARetryAfterACrashThatAsksOtherwiseAboutSavingMovesToTheNextAttemptWithoutAnError()
    {
        var host = fixture.Host;
        using var alice = host.ClientFor(NewUser("alice"));
        var bookingId = await NewBookingIdAsync(alice);
        var fired = 0;
        host.Faults.Rule = point => point == PaymentFunctions.Storage.FaultInjection.IntentAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await CreateSavingIntentAsync(alice, bookingId, save: false);
        var retried = await CreateSavingIntentAsync(alice, bookingId);

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        Assert.Equal("off_session", (string?)host.EmulatorState.FindPaymentIntent(retried.Text("paymentIntentId"))!["setup_future_usage"]);
        Assert.Equal(2, host.EmulatorState.IntentsFor(bookingId).Count); // attempt 1's intent never reached the SPA
        Assert.Equal(2, (await TestBookings.LoadAsync(host, bookingId)).IntentAttempt);
    }

    private static async Task<Answer> DeleteAsync(HttpClient client, string path) => await Answer.ReadAsync(await client.DeleteAsync(path));
}
