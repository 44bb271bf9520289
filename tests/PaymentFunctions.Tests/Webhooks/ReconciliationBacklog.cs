using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;
using StripeEmulator;

namespace PaymentFunctions.Tests.Webhooks;

/// An app whose webhooks never arrive, and a backlog of missed payment_intent.succeeded events in the emulator, made on
/// a clock the test moves (the app and the emulator share it): events seconds apart, and a burst of events within one
/// second, more than a page. Its events name bookings that do not exist, so each one is recorded once as unmatched
/// (one row per event id), and the storage timeline shows which event was written when, between which checkpoints.
internal sealed class ReconciliationBacklog : IAsyncDisposable
{
    public const int PageSize = 10;
    public const string EventType = "payment_intent.succeeded";

    private ReconciliationBacklog(PaymentAppHost host, ManualClock clock, StorageTimeline storage) => (Host, Clock, Storage) = (host, clock, storage);

    public PaymentAppHost Host { get; }

    public ManualClock Clock { get; }

    public StorageTimeline Storage { get; }

    public StripeReconciliation Reconciliation => Host.Services.GetRequiredService<StripeReconciliation>();

    /// Every missed event so far, oldest first, with its creation time.
    public List<(string Id, long Created)> Events { get; } = [];

    /// With <paramref name="serviceBus"/>, messages go to a recording Service Bus client and no consumer runs, so the
    /// storage timeline holds only what webhooks and reconciliation do.
    public static async Task<ReconciliationBacklog> StartAsync(bool serviceBus = false)
    {
        var azurite = await AzuriteServer.Shared;
        var clock = new ManualClock();
        var storage = new StorageTimeline();
        var settings = new Dictionary<string, string?> { ["Reconciliation:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var host = await PaymentAppHost.StartAsync(serviceBus, settings, deliverWebhooks: false, clock: clock, services: s => s.AddSingleton(new TableServiceClient(azurite.ConnectionString, storage.Options())));
        host.Emulator.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value.TimeProvider = clock;
        return new ReconciliationBacklog(host, clock, storage);
    }

    /// Paced events 7 s apart, then a burst within one second, then paced again; then an hour passes, so every
    /// window the run lists has settled and the checkpoint follows the windows.
    public async Task MissAsync(int pacedBefore, int burst, int pacedAfter, IReadOnlyList<string>? bookingIds = null)
    {
        using var stripe = Host.StripeClientForTests();
        var ids = new BookingIds();
        var made = 0;
        foreach (var (count, step) in new[] { (pacedBefore, 7), (burst, 0), (pacedAfter, 7) })
        {
            for (var i = 0; i < count; i++)
            {
                var intentId = await EmulatorCalls.CreateIntentAsync(stripe, bookingIds?[made++] ?? ids.Next());
                (await EmulatorCalls.ConfirmAsync(stripe, intentId, "pm_card_visa")).EnsureSuccessStatusCode();
                Clock.Advance(TimeSpan.FromSeconds(step));
            }

            Clock.Advance(TimeSpan.FromSeconds(7));
        }

        Clock.Advance(TimeSpan.FromHours(1));
        Events.Clear();
        Events.AddRange(Host.EmulatorState.Events.Where(e => (string?)e["type"] == EventType).Select(e => ((string)e["id"]!, (long)e["created"]!)));
    }

    public long CreatedOf(string eventId) => Events.Single(e => e.Id == eventId).Created;

    /// The events recorded as unmatched, read back from storage: each handled event must end up exactly once.
    public async Task<HashSet<string>> RecordedAsync()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in Host.Tables.Lookups.QueryAsync<TableEntity>(r => r.PartitionKey == RowKeys.StripeEventRecordPartition("unmatched", EventType)))
        {
            ids.Add(row.RowKey);
        }

        return ids;
    }

    public async Task<DateTimeOffset?> CheckpointAsync() =>
        (await Host.Tables.Lookups.FindAsync(RowKeys.CheckpointPartition, RowKeys.StripeEventsCheckpointRow, CancellationToken.None))?.GetDateTimeOffset("SettledBefore");

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// Every storage request in order, as "{method} {table}({keys})" with the keys unescaped, so a test can see which event
/// record and which checkpoint write came when. A per-retry policy of the SDK's own pipeline, like RecordRequests.
internal sealed class StorageTimeline : HttpPipelinePolicy
{
    private readonly Lock _lock = new();
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls { get { lock (_lock) { return [.. _calls]; } } }

    public static bool IsCheckpointWrite(string call) => call.StartsWith("PUT ", StringComparison.Ordinal) && call.Contains($"PartitionKey='{RowKeys.CheckpointPartition}'", StringComparison.Ordinal);

    /// The event id of an unmatched record's write, or null.
    public static string? RecordedEvent(string call)
    {
        const string marker = "RowKey='";
        if (!call.StartsWith("PUT ", StringComparison.Ordinal) || !call.Contains("PartitionKey='stripe-event|", StringComparison.Ordinal))
        {
            return null;
        }

        var start = call.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return call[start..call.IndexOf('\'', start)];
    }

    public void Clear()
    {
        lock (_lock)
        {
            _calls.Clear();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The app calls storage asynchronously only.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        var resource = Uri.UnescapeDataString(message.Request.Uri.Path.Split('/')[^1]);
        lock (_lock)
        {
            _calls.Add(message.Request.Method.Method + " " + resource);
        }

        await ProcessNextAsync(message, pipeline);
    }

    public TableClientOptions Options()
    {
        var options = new TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerRetry);
        return options;
    }
}
