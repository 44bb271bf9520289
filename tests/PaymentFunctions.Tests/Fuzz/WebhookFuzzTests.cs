using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using CsCheck;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using Xunit.Abstractions;

namespace PaymentFunctions.Tests.Fuzz;

/// Generated hostile webhooks under a valid signature (a compromised integration on the Stripe account, a bug at
/// Stripe, a replayed body edited before re-signing): whatever the content, the answer is a 2xx or a 4xx problem,
/// never a 5xx; a refused event stores nothing; and after the run every row in the app's tables is explained by
/// an event that was accepted.
[Collection(AppHostGroup.Name)]
public sealed class WebhookFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] EventTypes =
    [
        "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled", "payment_intent.processing",
        "payment_intent.requires_action", "charge.refunded", "charge.dispute.created", "charge.dispute.closed",
    ];

    private static readonly string[][] Focus =
    [
        ["id"], ["type"], ["api_version"], ["created"], ["livemode"], ["object"], ["data"], ["data", "object"], ["data", "object", "id"],
        ["data", "object", "object"], ["data", "object", "metadata"], ["data", "object", "metadata", "bookingId"], ["data", "object", "currency"],
        ["data", "object", "amount"], ["data", "object", "amount_received"], ["data", "object", "amount_refunded"], ["data", "object", "status"],
        ["data", "object", "payment_intent"], ["data", "object", "last_payment_error"], ["data", "object", "created"], ["request"],
    ];

    private const string OtherBooking = "@@other-booking@@";

    [Fact]
    public async Task SignedHostileWebhooksAreNeverA5xxAndARefusedOneStoresNothing()
    {
        var (host, logs) = await FuzzHost.StartAsync();
        await using var _ = host;
        var accepted = new ConcurrentDictionary<string, string>(); // Part(event id) -> outcome
        var seeded = new ConcurrentDictionary<string, bool>(); // booking id -> an accepted event was stored for it

        var gen = Gen.Int[0, EventTypes.Length - 1].SelectMany(kind =>
        {
            var template = Build(kind, "bk_template", "pi_template");
            var mutation = JsonMutation.Of(template, Focus, ValueFor);
            return Gen.Select(mutation.Array[0, 4], BodyEdit.Any, Gen.Int[0, 19], (m, edit, header) => new WebhookCase(kind, m, edit, header));
        });

        var started = DateTime.UtcNow;
        var count = await FuzzHost.SampleAsync(gen, input => RunAsync(host, input, accepted, seeded), FuzzHost.Iterations(1500), output, logs);

        output.WriteLine($"{count} generated webhooks in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {accepted.Count} accepted ({string.Join(", ", accepted.Values.GroupBy(v => v).Select(g => $"{g.Key} {g.Count()}"))})");
        await AssertEveryRowIsExplainedAsync(host, accepted, seeded);
        FuzzAnswers.AssertNoSecretIn(logs.Lines);
    }

    private static async Task RunAsync(PaymentAppHost host, WebhookCase input, ConcurrentDictionary<string, string> accepted, ConcurrentDictionary<string, bool> seeded)
    {
        var booking = await TestBookings.SeedAsync(host);
        seeded[booking.Id] = false;
        string? other = null;
        var json = JsonMutation.Apply(Build(input.Kind, booking.Id, "pi_fz" + booking.Id[3..]), input.Mutations);
        if (json.Contains(OtherBooking, StringComparison.Ordinal))
        {
            other = (await TestBookings.SeedAsync(host)).Id;
            seeded[other] = false;
            json = json.Replace(OtherBooking, other, StringComparison.Ordinal);
        }

        var body = input.Edit.Apply(Encoding.UTF8.GetBytes(json));
        var header = input.Header == 0 ? HostileSignature(body) : StripeSigner.Header(body, PaymentAppHost.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var described = $"{input} (header {header.Length} chars)\nbody: {FuzzAnswers.Shorten(Encoding.UTF8.GetString(body))}";
        var (status, answer) = await FuzzAnswers.CheckAsync(await StripeEvents.PostRawAsync(host.Client, body, header), described);

        if (status is >= 200 and < 300)
        {
            var root = JsonDocument.Parse(answer).RootElement;
            var outcome = root.GetProperty("outcome").GetString()!;
            accepted[RowKeys.Part(root.GetProperty("eventId").GetString()!)] = outcome;
            if (outcome is "stored" or "duplicate")
            {
                seeded[booking.Id] = true;
                if (other is not null)
                {
                    seeded[other] = true;
                }
            }

            return;
        }

        foreach (var id in new[] { booking.Id, other }.OfType<string>())
        {
            var rows = await TestBookings.RowsAsync(host, id, "");
            if (rows.Count != 1 || rows[0].RowKey != RowKeys.Booking)
            {
                throw new InvalidOperationException($"A refused webhook ({status}) left rows {string.Join(", ", rows.Select(r => r.RowKey))} in booking {id}: {described}");
            }
        }
    }

    /// After the run: every booking partition holds its booking, payment fact rows only of accepted events that were
    /// stored, inbox rows only of accepted events, outbox rows only of accepted events (until the clean-up); the Lookups hold only the seeded holds
    /// and records of accepted events.
    private static async Task AssertEveryRowIsExplainedAsync(PaymentAppHost host, ConcurrentDictionary<string, string> accepted, ConcurrentDictionary<string, bool> seeded)
    {
        var inbox = RowKeys.StripeInbox("x")[..^1];
        await foreach (var row in host.Tables.Bookings.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            var explained = seeded.TryGetValue(row.PartitionKey, out var stored) && (row.RowKey == RowKeys.Booking
                || (stored && StoredBy(row.RowKey, RowKeys.PaymentFactPrefix, accepted))
                || StoredBy(row.RowKey, inbox, accepted)
                // An accepted event's outbox row until the batched clean-up has deleted it.
                || (stored && row.RowKey.StartsWith(RowKeys.OutboxPrefix, StringComparison.Ordinal) && accepted.ContainsKey(RowKeys.CausationOfOutbox(row.RowKey))));
            Assert.True(explained, $"Bookings row {row.PartitionKey} / {row.RowKey} is explained by no accepted event");
        }

        await foreach (var row in host.Tables.Lookups.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Partition", "Row"]))
        {
            var explained = row.PartitionKey.StartsWith(RowKeys.HoldPrefix, StringComparison.Ordinal) ? seeded.ContainsKey(row.RowKey)
                // The retention entry of an accepted event's record, or of the inbox rows of the booking it names (filed
                // before the transaction finds whether that booking exists).
                : row.PartitionKey.StartsWith(RowKeys.RetentionKindPrefix("event-record"), StringComparison.Ordinal) ? accepted.ContainsKey(row.GetString("Row") ?? "")
                : row.PartitionKey.StartsWith(RowKeys.RetentionKindPrefix("stripe-inbox"), StringComparison.Ordinal)
                    ? seeded.ContainsKey(row.GetString("Partition")!) || (BookingIds.IsWellFormed(row.GetString("Partition")) && accepted.Values.Contains("unmatched"))
                : row.PartitionKey.StartsWith("stripe-event|", StringComparison.Ordinal) && accepted.ContainsKey(row.RowKey);
            Assert.True(explained, $"Lookups row {row.PartitionKey} / {row.RowKey} is explained by no accepted event");
        }

        Assert.Equal(0, await SpaCalls.CountRowsAsync(host.Tables.Idempotency));
    }

    private static bool StoredBy(string rowKey, string prefix, ConcurrentDictionary<string, string> accepted) =>
        rowKey.StartsWith(prefix, StringComparison.Ordinal) && accepted.ContainsKey(rowKey[prefix.Length..]);

    private static JsonObject Build(int kind, string bookingId, string intentId)
    {
        var type = EventTypes[kind];
        return type switch
        {
            "charge.refunded" => StripeEvents.ChargeRefunded("ch_" + intentId[3..], intentId, 2500, 1000),
            "charge.dispute.created" => StripeEvents.Dispute(type, "dp_" + intentId[3..], intentId, 2500, "needs_response"),
            "charge.dispute.closed" => StripeEvents.Dispute(type, "dp_" + intentId[3..], intentId, 2500, "lost"),
            _ => StripeEvents.PaymentIntent(type, intentId, bookingId, declineCode: type == "payment_intent.payment_failed" ? "insufficient_funds" : null),
        };
    }

    private static Gen<string> ValueFor(string[] path) => path[^1] switch
    {
        "id" when path.Length == 1 => HostileValues.AnyFor("evt_"),
        "id" or "payment_intent" => HostileValues.AnyFor("pi_"),
        "type" => Gen.Frequency((2, Gen.OneOf<string>([.. EventTypes, "payment_intent.created", "invoice.paid", "payment_intent.", "PAYMENT_INTENT.SUCCEEDED"]).Select(HostileValues.Literal)), (2, HostileValues.AnyFor("payment_intent."))),
        "api_version" => Gen.Frequency((2, Gen.OneOf<string>("2024-06-20", "2026-07-29.dahlia", "2026-11-25.endive", "2026-10-28.endive", "endive", "").Select(HostileValues.Literal)), (2, HostileValues.AnyFor("2026-10-28."))),
        "bookingId" => Gen.Frequency((2, Gen.Const(HostileValues.Literal(OtherBooking))), (1, Gen.Const(HostileValues.Literal("bk_zzzzzzzzzzzzzzzzzzzzzzzzzz"))), (3, HostileValues.AnyFor("bk_"))),
        "currency" => Gen.Frequency((1, Gen.OneOf<string>("EUR", "usd", "jpy", "xxx", "eu").Select(HostileValues.Literal)), (3, HostileValues.AnyFor(""))),
        "amount" or "amount_received" or "amount_refunded" or "created" => Gen.Frequency((1, Gen.OneOf<string>("-1", "0", "1", "99999999999", "253402300800", "-62135596801", "4102444800")), (2, HostileValues.WrongType)),
        "livemode" => Gen.Frequency((1, Gen.OneOf<string>("true", "\"false\"", "0")), (1, HostileValues.WrongType)),
        _ => HostileValues.AnyFor(""),
    };

    private static string HostileSignature(byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var valid = StripeSigner.Signature(body, PaymentAppHost.WebhookSecret, now);
        string[] variants = [$"t={now}", $"v1={valid}", $"t=99999999999999999999,v1={valid}", $"t={now},v1={valid[..10]}", $"t={now},v0={valid}", $"t=-1,v1={valid}", $"t={now},t={now - 1000},v1={valid}", new string('t', 4000), ",,,", "t=,v1="];
        return variants[(int)(now % variants.Length)];
    }

    public sealed record WebhookCase(int Kind, JsonMutation[] Mutations, BodyEdit Edit, int Header)
    {
        public override string ToString() =>
            $"{EventTypes[Kind]} with [{string.Join("; ", Mutations.AsEnumerable())}], {Edit.Name}{(Header == 0 ? ", hostile Stripe-Signature" : "")}";
    }
}
