using System.Text.Json.Nodes;
using CsCheck;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Webhooks;
using Stripe;

namespace PaymentFunctions.Tests.Bookings;

/// The order-independence property (<see cref="BookingStateMachineTests"/>) for a booking paid through Checkout, whose
/// events come from two families at once: its sessions' (checkout.session.*) and their intents' (payment_intent.*,
/// charge.refunded), as Stripe signs them, mapped as the webhook maps them and applied as the consumer applies them.
/// Any subset of a realistic history (2,000 of them), delivered in any order and any number of times, ends in the facts and status of
/// the ordered sequence, and a booking that left PENDING never returns to it.
public sealed class CheckoutEventOrderTests
{
    private const long Amount = 2500;
    private const string Current = "cs_test_current";
    private const string Earlier = "cs_test_earlier";
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static readonly Booking Booking = new()
    {
        Id = "bk_0000000000000000000000ord0", UserId = "alice", TicketTypeId = "standard", Quantity = 1, Amount = Amount, Currency = "EUR",
        Status = BookingStatus.PENDING, CreatedAt = T0, HoldExpiresAt = T0.AddMinutes(30), CheckoutSessionId = Current, CheckoutAttempt = 2,
    };

    /// What a booking can hear about its current session (intent pi_current) and the earlier one it replaced (intent
    /// pi_earlier, declined and then expired), and from a stranger's session naming it. Each: the session the resolver
    /// finds for it (Stripe's answer), and the event at a given second.
    private static readonly (string? Session, Func<DateTimeOffset, JsonObject> At)[] Candidates =
    [
        (Current, at => Intent("payment_intent.payment_failed", "pi_current", at)),
        (Current, at => Intent("payment_intent.requires_action", "pi_current", at)),
        (Current, at => Intent("payment_intent.processing", "pi_current", at)),
        (Current, at => Intent("payment_intent.succeeded", "pi_current", at)),
        (Current, at => Intent("payment_intent.canceled", "pi_current", at)),
        (Current, at => Session("checkout.session.completed", Current, "pi_current", "paid", at)),
        (Current, at => Session("checkout.session.completed", Current, "pi_current", "unpaid", at)),
        (Current, at => Session("checkout.session.async_payment_succeeded", Current, "pi_current", "paid", at)),
        (Current, at => Session("checkout.session.async_payment_failed", Current, "pi_current", "unpaid", at)),
        (Current, at => Session("checkout.session.expired", Current, "pi_current", "unpaid", at)),
        (Current, at => StripeEvents.ChargeRefunded("ch_current", "pi_current", Amount, Amount, at)),
        (Current, at => StripeEvents.ChargeRefunded("ch_current", "pi_current", Amount, Amount / 2, at)),
        (Earlier, at => Intent("payment_intent.payment_failed", "pi_earlier", at)),
        (Earlier, at => Intent("payment_intent.canceled", "pi_earlier", at)),
        (Earlier, at => Session("checkout.session.expired", Earlier, "pi_earlier", "unpaid", at)),
        ("cs_test_stranger", at => Session("checkout.session.completed", "cs_test_stranger", "pi_stranger", "paid", at)),
    ];

    [Fact]
    public void ACheckoutBookingsSessionAndIntentEventsInAnyOrderAndNumberEndWhereTheOrderedSequenceEnds()
    {
        // Seconds 0-5 on purpose: many events share a second, as Stripe's do.
        var history = Gen.Select(Gen.Int[0, Candidates.Length - 1], Gen.Int[0, 5]).Array[1, 10];
        var delivery = Gen.Select(history, Gen.Int.Array[20], Gen.Int[0, 2].Array[10]);

        delivery.Sample(
            (picked, orderKeys, repeats) =>
            {
                var events = picked.Select(p => Pool.Value[p.Item1, p.Item2]).ToList();
                var ordered = events.OrderBy(e => e.OccurredAt).ThenBy(e => e.StripeEventId, StringComparer.Ordinal).ToList();
                var delivered = events.Concat(events.Where((_, i) => repeats[i % repeats.Length] == 0))
                    .Select((e, i) => (e, key: orderKeys[i % orderKeys.Length] ^ i)).OrderBy(x => x.key).Select(x => x.e).ToList();

                var expected = FactsAfter(ordered);
                var actual = FactsAfter(delivered);

                AssertNeverBackToPending(delivered);
                Assert.Equal(expected, actual);
                Assert.Equal(BookingStateMachine.StatusOf(expected, Amount), BookingStateMachine.StatusOf(actual, Amount));
            },
            iter: 2000);
    }

    [Fact]
    public void OnlyTheCurrentSessionsExpiryCancelsAndAStrangersPaymentNeverCounts()
    {
        Assert.Equal(BookingStatus.PENDING, StatusAfter(Mapped(14, T0), Mapped(13, T0), Mapped(15, T0.AddSeconds(1))));
        Assert.Equal(BookingStatus.CANCELLED, StatusAfter(Mapped(9, T0)));
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(Mapped(9, T0), Mapped(5, T0.AddSeconds(1))));
        Assert.Equal(BookingStatus.PAYMENT_FAILED, StatusAfter(Mapped(6, T0), Mapped(8, T0.AddSeconds(2))));
    }

    /// Every candidate at every second, each one Stripe event (picking one twice is a redelivery): parsed and mapped once.
    private static readonly Lazy<PaymentEvent[,]> Pool = new(() =>
    {
        var pool = new PaymentEvent[Candidates.Length, 6];
        for (var candidate = 0; candidate < Candidates.Length; candidate++)
        {
            for (var second = 0; second < 6; second++)
            {
                pool[candidate, second] = Mapped(candidate, T0.AddSeconds(second));
            }
        }

        return pool;
    });

    private static PaymentEvent Mapped(int candidate, DateTimeOffset at)
    {
        var (session, make) = Candidates[candidate];
        var stripeEvent = EventUtility.ParseEvent(make(at).ToJsonString(), throwOnApiVersionMismatch: false);
        return StripeEventMapper.Map(stripeEvent, new BookingMatch(Booking.Id, session))!;
    }

    /// The consumer's own decision, with the booking's issued rows read (both of its sessions).
    private static PaymentFacts Apply(PaymentFacts facts, PaymentEvent e)
    {
        var issued = new IssuedIntents(e.PaymentIntentId, e.CheckoutSessionId);
        issued.Load([Earlier, Current]);
        return PaymentEventConsumer.FactsAfter(Booking with { Facts = facts }, e, issued)!;
    }

    private static PaymentFacts FactsAfter(IEnumerable<PaymentEvent> events) => events.Aggregate(PaymentFacts.None, Apply);

    private static BookingStatus StatusAfter(params PaymentEvent[] events) => BookingStateMachine.StatusOf(FactsAfter(events), Amount);

    private static void AssertNeverBackToPending(IEnumerable<PaymentEvent> delivered)
    {
        var facts = PaymentFacts.None;
        var left = false;
        foreach (var e in delivered)
        {
            facts = Apply(facts, e);
            var status = BookingStateMachine.StatusOf(facts, Amount);
            Assert.False(left && status == BookingStatus.PENDING, $"back to PENDING after {e.GetType().Name}");
            left |= status != BookingStatus.PENDING;
        }
    }

    private static JsonObject Intent(string type, string intentId, DateTimeOffset at) =>
        StripeEvents.PaymentIntent(type, intentId, Booking.Id, Amount, created: at, declineCode: type == "payment_intent.payment_failed" ? "generic_decline" : null);

    private static JsonObject Session(string type, string sessionId, string intentId, string paymentStatus, DateTimeOffset at) =>
        StripeEvents.CheckoutSession(type, sessionId, Booking.Id, intentId, paymentStatus, type == "checkout.session.expired" ? "expired" : "complete", Amount, at);
}
