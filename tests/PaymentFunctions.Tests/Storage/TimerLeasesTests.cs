using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Storage;

/// Standalone instances sharing one storage account run each timer occurrence once, as the host's singleton does.
public sealed class TimerLeasesTests
{
    private static readonly DateTimeOffset Occurrence = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Occurrence);

    private async Task<TimerLeases> LeasesAsync(string? prefix = null)
    {
        var azurite = await AzuriteServer.Shared;
        var tables = new PaymentTables(new TableServiceClient(azurite.ConnectionString), Options.Create(new StorageOptions { TablePrefix = prefix ?? Prefix() }));
        return new TimerLeases(tables, _clock);
    }

    private static string Prefix() => "lease" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task OfEightInstancesClaimingTheSameOccurrenceExactlyOneRunsIt()
    {
        var prefix = Prefix();
        var instances = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => LeasesAsync(prefix)));

        var claims = await Task.WhenAll(instances.Select((leases, i) => leases.TryClaimAsync("BookingExpiry", Occurrence, $"instance-{i}", CancellationToken.None)));

        Assert.Single(claims, c => c is not null);
    }

    [Fact]
    public async Task AnOccurrenceThatRanIsNotClaimedAgainEvenByItsOwnInstance()
    {
        var leases = await LeasesAsync();
        var lease = await leases.TryClaimAsync("OutboxSweeper", Occurrence, "a", CancellationToken.None);
        await lease!.ReleaseAsync();

        Assert.Null(await leases.TryClaimAsync("OutboxSweeper", Occurrence, "a", CancellationToken.None));
        Assert.Null(await leases.TryClaimAsync("OutboxSweeper", Occurrence, "b", CancellationToken.None));
        Assert.NotNull(await leases.TryClaimAsync("OutboxSweeper", Occurrence.AddSeconds(5), "b", CancellationToken.None));
    }

    [Fact]
    public async Task WhileOneInstanceStillRunsTheTimerNoOtherStartsItsNextOccurrence()
    {
        var leases = await LeasesAsync();
        var running = await leases.TryClaimAsync("BookingExpiry", Occurrence, "a", CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await leases.TryClaimAsync("BookingExpiry", Occurrence.AddSeconds(5), "b", CancellationToken.None));
        Assert.True(await running!.RenewAsync());
        _clock.Advance(TimerLeases.Duration - TimeSpan.FromSeconds(1));
        Assert.Null(await leases.TryClaimAsync("BookingExpiry", Occurrence.AddSeconds(30), "b", CancellationToken.None));

        await running.ReleaseAsync();
        Assert.NotNull(await leases.TryClaimAsync("BookingExpiry", Occurrence.AddSeconds(35), "b", CancellationToken.None));
    }

    [Fact]
    public async Task TheLeaseOfAnInstanceThatDiedLapsesAndAnotherTakesTheTimerWhichTheDeadOneCannotRenew()
    {
        var leases = await LeasesAsync();
        var dead = await leases.TryClaimAsync("StripeReconciliation", Occurrence, "a", CancellationToken.None);

        _clock.Advance(TimerLeases.Duration + TimeSpan.FromSeconds(1));
        var taken = await leases.TryClaimAsync("StripeReconciliation", Occurrence.AddMinutes(1), "b", CancellationToken.None);

        Assert.NotNull(taken);
        Assert.False(await dead!.RenewAsync());
        Assert.True(await taken.RenewAsync());
    }

    [Fact]
    public async Task EachTimerHasItsOwnLease()
    {
        var leases = await LeasesAsync();

        Assert.NotNull(await leases.TryClaimAsync("BookingExpiry", Occurrence, "a", CancellationToken.None));
        Assert.NotNull(await leases.TryClaimAsync("OutboxSweeper", Occurrence, "b", CancellationToken.None));
    }
}
