using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Contracts;

namespace PaymentFunctions.Tests.Bookings;

public sealed class BookingStateMachineTests
{
    private const long Amount = 5000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void APendingBookingIsConfirmedWhenThePaymentSucceeds() =>
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(Succeeded(1)));

    [Fact]
    public void AFailedPaymentCanBeRetriedIntoAConfirmation()
    {
        Assert.Equal(BookingStatus.PAYMENT_FAILED, StatusAfter(Failed(1)));
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(Failed(1), Succeeded(2)));
    }

    [Fact]
    public void AFailureArrivingAfterTheSuccessDoesNotMoveTheBookingBack() =>
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(Succeeded(2), Failed(1)));

    [Fact]
    public void AnUnpaidBookingIsCancelledWhenItsIntentIsCanceled() =>
        Assert.Equal(BookingStatus.CANCELLED, StatusAfter(Failed(1), Canceled(2)));

    [Fact]
    public void APartialRefundKeepsTheBookingConfirmedAndAFullRefundCancelsIt()
    {
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(Succeeded(1), Refunded(2, 1000)));
        Assert.Equal(BookingStatus.CANCELLED, StatusAfter(Succeeded(1), Refunded(2, 1000), Refunded(3, Amount)));
        Assert.Equal("refunded", BookingStateMachine.CancellationReason(FactsAfter(Succeeded(1), Refunded(3, Amount)), Amount));
    }

    [Fact]
    public void ADisputeTakesAConfirmedBookingToDisputedAndItsOutcomeDecidesWhatFollows()
    {
        Assert.Equal(BookingStatus.DISPUTED, StatusAfter(Succeeded(1), DisputeOpen(2, "dp_1")));
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(Succeeded(1), DisputeOpen(2, "dp_1"), DisputeClose(3, "dp_1", "won")));
        Assert.Equal(BookingStatus.CANCELLED, StatusAfter(Succeeded(1), DisputeOpen(2, "dp_1"), DisputeClose(3, "dp_1", "lost")));
    }

    [Fact]
    public void AnExpiredUnpaidBookingIsCancelledButALateSuccessStillConfirmsIt()
    {
        var expired = BookingStateMachine.Expire(PaymentFacts.None, T0, "expiry-1");
        Assert.Equal(BookingStatus.CANCELLED, BookingStateMachine.StatusOf(expired, Amount));
        Assert.Equal("expired", BookingStateMachine.CancellationReason(expired, Amount));
        Assert.Equal(BookingStatus.CONFIRMED, BookingStateMachine.StatusOf(BookingStateMachine.Apply(expired, Succeeded(5)), Amount));
    }

    [Fact]
    public void ACustomersCancelOfAnUnpaidBookingCancelsItOnlyUntilAPaymentSucceedsAfterAll()
    {
        var cancelled = BookingStateMachine.CancelByCustomer(FactsAfter(Failed(1)), T0.AddSeconds(2), "cancel:bk_1");
        var paidAfterAll = BookingStateMachine.Apply(cancelled, Succeeded(3));

        Assert.Equal(BookingStatus.CANCELLED, BookingStateMachine.StatusOf(cancelled, Amount));
        Assert.Equal("cancelled_by_customer", BookingStateMachine.CancellationReason(cancelled, Amount));
        Assert.Equal("cancelled_by_customer", BookingStateMachine.CancellationReason(BookingStateMachine.Apply(cancelled, Canceled(4)), Amount));
        Assert.Equal(BookingStatus.CONFIRMED, BookingStateMachine.StatusOf(paidAfterAll, Amount));
        Assert.Equal(cancelled, BookingStateMachine.CancelByCustomer(cancelled, T0.AddSeconds(9), "cancel:bk_1"));
        Assert.NotEqual(FactsAfter(Failed(1)), cancelled);
    }

    [Fact]
    public void ProcessingAndRequiresActionDoNotChangeTheFacts()
    {
        Assert.Equal(PaymentFacts.None, FactsAfter(Processing(1), RequiresAction(2)));
    }

    /// Property: for any set of events a booking can receive, every interleaving with duplicates ends in the same
    /// facts and status as the ordered, de-duplicated sequence. 2,000 random cases from fixed seeds.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void AnyInterleavingWithDuplicatesEndsWhereTheOrderedSequenceEnds(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var events = RandomHistory(random);
            var ordered = events.OrderBy(e => e.OccurredAt).ThenBy(e => e.StripeEventId, StringComparer.Ordinal).ToList();
            var expected = FactsAfter([.. ordered]);

            var delivered = events.Concat(events.Where(_ => random.Next(3) == 0)).OrderBy(_ => random.Next()).ToList();
            var actual = FactsAfter([.. delivered]);
            AssertNeverBackToPending(delivered);

            Assert.Equal(expected, actual);
            Assert.Equal(BookingStateMachine.StatusOf(expected, Amount), BookingStateMachine.StatusOf(actual, Amount));
        }
    }

    /// Whatever arrives in whatever order, a booking that left PENDING never returns to it (there is no
    /// booking event for that, and the consumer would fail on it).
    private static void AssertNeverBackToPending(IEnumerable<PaymentEvent> delivered)
    {
        var facts = PaymentFacts.None;
        var left = false;
        foreach (var e in delivered)
        {
            facts = BookingStateMachine.Apply(facts, e);
            var status = BookingStateMachine.StatusOf(facts, Amount);
            Assert.False(left && status == BookingStatus.PENDING, $"back to PENDING after {e.GetType().Name}");
            left |= status != BookingStatus.PENDING;
        }
    }

    [Fact]
    public void ARefundThatFailsAfterItSucceededNoLongerCountsAndFlagsTheBooking()
    {
        var cancelled = FactsAfter(Succeeded(1), Refunded(2, Amount), RefundReport(2, "re_1", "succeeded"));
        var failed = BookingStateMachine.Apply(cancelled, RefundReport(9, "re_1", "failed"));

        Assert.Equal(BookingStatus.CANCELLED, BookingStateMachine.StatusOf(cancelled, Amount));
        Assert.Equal(0, failed.RefundedAmount);
        Assert.Equal(BookingStatus.REFUND_FAILED, BookingStateMachine.StatusOf(failed, Amount));
        Assert.Equal("re_1", failed.UnresolvedRefundFailure?.Key);
        Assert.Equal("expired_or_canceled_card", failed.UnresolvedRefundFailure?.Value.FailureReason);
    }

    [Fact]
    public void AFailedRefundStaysFailedWhateverArrivesAfterIt()
    {
        var failedFirst = FactsAfter(RefundReport(9, "re_1", "failed"), RefundReport(2, "re_1", "succeeded"), Refunded(2, Amount), Succeeded(1), RefundReport(2, "re_1", "pending"));

        Assert.Equal("failed", failedFirst.Refunds["re_1"].Status);
        Assert.Equal(0, failedFirst.RefundedAmount);
        Assert.Equal(BookingStatus.REFUND_FAILED, BookingStateMachine.StatusOf(failedFirst, Amount));
    }

    [Fact]
    public void ANewerRefundAnswersAFailedOneAndTheBookingFollowsItsAmountsAgain()
    {
        var failed = FactsAfter(Succeeded(1), Refunded(2, Amount), RefundReport(2, "re_1", "failed"));
        var partial = BookingStateMachine.Apply(failed, RefundReport(5, "re_2", "pending", amount: 1000));
        var full = BookingStateMachine.Apply(failed, RefundReport(5, "re_2", "succeeded"));

        Assert.Equal(BookingStatus.CONFIRMED, BookingStateMachine.StatusOf(partial, Amount));
        Assert.Equal(1000, partial.RefundedAmount);
        Assert.Equal(BookingStatus.CANCELLED, BookingStateMachine.StatusOf(full, Amount));
        Assert.Equal(BookingStatus.REFUND_FAILED, BookingStateMachine.StatusOf(BookingStateMachine.Apply(full, RefundReport(8, "re_2", "failed")), Amount));
    }

    [Fact]
    public void WithinOneSecondAFailedRefundCountsAsTheNewerSoTheTieFlagsTheBooking()
    {
        var tie = FactsAfter(Succeeded(1), RefundReport(2, "re_5", "succeeded", amount: 1000), RefundReport(3, "re_5b", "failed", amount: 1000));

        Assert.Equal(BookingStatus.REFUND_FAILED, BookingStateMachine.StatusOf(tie, Amount));
        Assert.Equal("re_5b", tie.UnresolvedRefundFailure?.Key);
    }

    [Fact]
    public void ARefundKnownOnlyByTheChargeStillCountsUntilItsOwnEventsArrive()
    {
        // charge.refunded can come ahead of refund.created: the charge's amount counts, less what is known to have failed.
        var chargeOnly = FactsAfter(Succeeded(1), Refunded(2, 1000), Refunded(3, 3000));
        var oneFailed = BookingStateMachine.Apply(chargeOnly, RefundReport(2, "re_1", "failed", amount: 1000));

        Assert.Equal(3000, chargeOnly.RefundedAmount);
        Assert.Equal(2000, oneFailed.RefundedAmount);
    }

    [Fact]
    public void ADisputeWonBeforeTheLateSuccessEventKeepsTheBookingConfirmed()
    {
        Assert.Equal(BookingStatus.DISPUTED, StatusAfter(DisputeOpen(1, "dp_1")));
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(DisputeOpen(1, "dp_1"), DisputeClose(2, "dp_1", "won")));
        Assert.Equal(BookingStatus.CONFIRMED, StatusAfter(DisputeOpen(1, "dp_1"), DisputeClose(2, "dp_1", "won"), Succeeded(0)));
    }

    private static List<PaymentEvent> RandomHistory(Random random)
    {
        var count = random.Next(1, 9);
        var events = new List<PaymentEvent>();
        for (var i = 0; i < count; i++)
        {
            // Small time range on purpose: many events share a second, as Stripe's do.
            var second = random.Next(0, 6);
            events.Add(random.Next(10) switch
            {
                8 or 9 => RefundReport(second, "re_" + random.Next(3), random.Next(5) switch { 0 => "pending", 1 or 2 => "succeeded", 3 => "failed", _ => "canceled" }),
                0 => Succeeded(second),
                1 => Failed(second, random.Next(2) == 0 ? "card_declined" : "insufficient_funds"),
                2 => Canceled(second),
                3 => Refunded(second, random.Next(0, 3) * Amount / 2),
                4 => DisputeOpen(second, "dp_" + random.Next(2)),
                5 => DisputeClose(second, "dp_" + random.Next(2), random.Next(2) == 0 ? "won" : "lost"),
                6 => Processing(second),
                _ => RequiresAction(second),
            });
        }

        return events;
    }

    private static BookingStatus StatusAfter(params PaymentEvent[] events) => BookingStateMachine.StatusOf(FactsAfter(events), Amount);

    private static PaymentFacts FactsAfter(params PaymentEvent[] events) => events.Aggregate(PaymentFacts.None, BookingStateMachine.Apply);

    private static int _sequence;

    private static string NextEventId() => "evt_" + Interlocked.Increment(ref _sequence).ToString("D6");

    private static PaymentSucceeded Succeeded(int second) => new() { Id = "s", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_" + second, StripeEventId = NextEventId(), Amount = Amount, Currency = "eur" };

    private static PaymentFailed Failed(int second, string code = "card_declined") => new() { Id = "f", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur", FailureCode = code, FailureMessage = code };

    private static PaymentCanceled Canceled(int second) => new() { Id = "c", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur" };

    private static PaymentRefunded Refunded(int second, long refunded) => new() { Id = "r", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur", ChargeId = "ch_1", AmountRefunded = refunded };

    private static RefundUpdated RefundReport(int second, string refundId, string status, long amount = Amount) => new()
    {
        Id = "ru", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = amount, Currency = "eur",
        RefundId = refundId, RefundStatus = status, FailureReason = status == "failed" ? "expired_or_canceled_card" : null,
        RefundCreatedAt = T0.AddSeconds(int.Parse(refundId[3..4], System.Globalization.CultureInfo.InvariantCulture)), Kind = "staff",
    };

    private static DisputeOpened DisputeOpen(int second, string id) => new() { Id = "do", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur", DisputeId = id };

    private static DisputeClosed DisputeClose(int second, string id, string outcome) => new() { Id = "dc", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur", DisputeId = id, Outcome = outcome };

    private static PaymentProcessing Processing(int second) => new() { Id = "p", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur" };

    private static PaymentRequiresAction RequiresAction(int second) => new() { Id = "ra", OccurredAt = T0.AddSeconds(second), BookingId = "b", PaymentIntentId = "pi_1", StripeEventId = NextEventId(), Amount = Amount, Currency = "eur" };
}
