using Azure.Data.Tables;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Messaging;
using PaymentFunctions.Payments;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Messaging;

namespace PaymentFunctions.Tests.Payments;

/// GET /api/payments/{bookingId}'s read (PaymentStatusReader) on its own tables with every storage request recorded:
/// it folds the facts of the intents the booking issued only, in one round trip (before issue 20: two, the booking's
/// point read and a query of its fact rows, and every fact counted).
public sealed class PaymentStatusReadTests : IAsyncLifetime
{
    private OutboxRig _rig = null!;

    public async Task InitializeAsync() => _rig = await OutboxRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task AStrangersPaidIntentIsLeftOutAndTheReadIsOneQueryInTheBookingsPartition()
    {
        var booking = await _rig.SeedPendingAsync() with { PaymentIntentId = "pi_own_2", IntentAttempt = 2 };
        await _rig.Tables.Bookings.UpsertCheckedAsync(booking.ToEntity(), TableUpdateMode.Replace, CancellationToken.None);
        await IssueAsync(booking.Id, "pi_own_1", attempt: 1);
        await IssueAsync(booking.Id, "pi_own_2", attempt: 2);
        var at = _rig.Time.GetUtcNow();
        await StoreFactAsync(PaymentEventsForTests.Failed(booking.Id, at) with { PaymentIntentId = "pi_own_1" });
        // Someone else's intent naming this booking in its metadata: a fact the webhook stores, terminal and newer.
        await StoreFactAsync(PaymentEventsForTests.Succeeded(booking.Id, at.AddSeconds(1)) with { PaymentIntentId = "pi_stranger" });
        await StoreFactAsync(PaymentEventsForTests.Processing(booking.Id, at.AddSeconds(2)) with { PaymentIntentId = "pi_own_2" });
        var reader = new PaymentStatusReader(_rig.Tables);
        _rig.Requests.Clear();

        var status = await reader.ReadAsync(booking.UserId, booking.Id, CancellationToken.None);

        var read = Assert.Single(_rig.Requests.All);
        Assert.Equal(("GET", _rig.Tables.Bookings.Name), (read.Method, read.Table));
        Assert.StartsWith($"PartitionKey eq '{booking.Id}' and (", read.Filter, StringComparison.Ordinal);
        Assert.Equal(6, read.Entities); // the booking row, its 2 intent rows, 3 fact rows
        Assert.NotNull(status);
        Assert.Equal("pi_own_2", status.PaymentIntentId);
        Assert.Equal("processing", status.Payment!.Status);
        Assert.Equal("pi_own_2", status.Payment.PaymentIntentId);
        Assert.Null(status.Payment.FailureCode);
    }

    [Fact]
    public async Task TheCurrentIntentOnTheBookingRowCountsWithoutAnIntentRowAndOnlyItsOwnerReadsIt()
    {
        var booking = await _rig.SeedPendingAsync() with { PaymentIntentId = "pi_current" };
        await _rig.Tables.Bookings.UpsertCheckedAsync(booking.ToEntity(), TableUpdateMode.Replace, CancellationToken.None);
        await StoreFactAsync(PaymentEventsForTests.Succeeded(booking.Id, _rig.Time.GetUtcNow()) with { PaymentIntentId = "pi_current" });
        var reader = new PaymentStatusReader(_rig.Tables);

        var owners = await reader.ReadAsync(booking.UserId, booking.Id, CancellationToken.None);
        var strangers = await reader.ReadAsync("someone-else", booking.Id, CancellationToken.None);

        Assert.Equal("succeeded", owners!.Payment!.Status);
        Assert.Null(strangers);
    }

    [Fact]
    public async Task OnlyAStrangersFactsMeanNoPaymentYet()
    {
        var booking = await _rig.SeedPendingAsync();
        await StoreFactAsync(PaymentEventsForTests.Succeeded(booking.Id, _rig.Time.GetUtcNow()) with { PaymentIntentId = "pi_stranger" });

        var status = await new PaymentStatusReader(_rig.Tables).ReadAsync(booking.UserId, booking.Id, CancellationToken.None);

        Assert.Null(status!.Payment);
        Assert.Null(status.PaymentIntentId);
    }

    private async Task IssueAsync(string bookingId, string intentId, int attempt) =>
        await _rig.Tables.Bookings.AddCheckedAsync(new TableEntity(bookingId, RowKeys.Intent(attempt)) { ["PaymentIntentId"] = intentId, ["Attempt"] = attempt }, CancellationToken.None);

    private async Task StoreFactAsync(PaymentEvent paymentEvent) =>
        await _rig.Tables.Bookings.AddCheckedAsync(PaymentState.FactRow(paymentEvent, CloudEventEnvelope.ToOutboxMessage(paymentEvent)), CancellationToken.None);
}
