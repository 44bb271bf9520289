using System.Net;
using Azure.Data.Tables;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// A PaymentIntent's client secret lets whoever holds it pay (and see) the intent: the answer to the intent call is
/// stored under its Idempotency-Key without it, and a replay reads it again from Stripe.
[Collection(AppHostGroup.Name)]
public sealed class ClientSecretReplayTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task NoStoredAnswerHoldsTheClientSecretAndAReplayStillAnswersWithIt()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var booking = await CreateBookingAsync(alice, "standard", 1, "book-secret");
        var bookingId = booking.Text("id");

        var first = await CreateIntentAsync(alice, bookingId, "pay-secret");
        var replay = await CreateIntentAsync(alice, bookingId, "pay-secret");

        var secret = first.Text("clientSecret");
        Assert.Contains("_secret_", secret, StringComparison.Ordinal);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Body, replay.Body);
        var stored = await RowsAsync(host.Tables.Idempotency, RowKeys.IdempotencyPartition(aliceId));
        Assert.Equal(2, stored.Count); // the booking's and the intent's answers
        Assert.All(stored, row => Assert.DoesNotContain(((IDictionary<string, object>)row).Values, value => value is string text && text.Contains("_secret_", StringComparison.Ordinal)));
        Assert.Contains(stored, row => row.GetString("Body") is { } body && body.Contains("\"clientSecret\":null", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AReplayWhileStripeIsDownIs503AndChangesNothingAndTheNextReplayAnswers()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        using var alice = host.ClientFor(aliceId);
        var bookingId = await NewBookingIdAsync(alice);
        var first = await CreateIntentAsync(alice, bookingId, "pay-down");
        // Every attempt Stripe.net makes (the first and its retries) to read this intent fails.
        await ArmStripeFaultAsync(host, new { path = $"/v1/payment_intents/{first.Text("paymentIntentId")}", method = "GET", status = 503, count = 3 });

        var down = await CreateIntentAsync(alice, bookingId, "pay-down");
        await ClearStripeFaultsAsync(host);
        var back = await CreateIntentAsync(alice, bookingId, "pay-down");

        down.AssertProblem(HttpStatusCode.ServiceUnavailable);
        Assert.True(down.Response.Headers.Contains("Retry-After"));
        Assert.DoesNotContain("_secret_", down.Body, StringComparison.Ordinal);
        Assert.True(back.Replayed);
        Assert.Equal(first.Body, back.Body);
        Assert.Single(host.EmulatorState.IntentsFor(bookingId));
    }

    private static async Task<List<TableEntity>> RowsAsync(TableClient table, string partitionKey)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(KeyFilters.InPartition(partitionKey)))
        {
            rows.Add(row);
        }

        return rows;
    }
}
