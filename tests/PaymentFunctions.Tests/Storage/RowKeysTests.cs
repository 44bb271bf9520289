using Azure.Data.Tables;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Tests.Storage;

/// Every key format escapes what others choose, so no unsafe character ever reaches a key.
public sealed class RowKeysTests
{
    public static TheoryData<string> UnsafeIds => ["a/b", "a\\b", "a#b", "a?b", "a|b", "a\u0001b", "a\u007fb", "a\nb", "", new string('x', 201)];

    [Theory]
    [MemberData(nameof(UnsafeIds))]
    public void AnUnsafeIdBecomesItsHashInEveryKeyThatCarriesIt(string id)
    {
        var keys = new[]
        {
            RowKeys.Inbox(id), RowKeys.StripeInbox(id), RowKeys.OutboxFor(id), RowKeys.Outbox(id, id), RowKeys.DeadLetter(id, id, id), RowKeys.History(DateTimeOffset.UnixEpoch, id),
            RowKeys.IntentIndexPartition(id), RowKeys.StripeEventRecordPartition(id, id), RowKeys.StripeEventRecordRow(id),
            RowKeys.IdempotencyPartition(id), RowKeys.IdempotencyRow(id), RowKeys.UnissuedIntent(id, id),
            RowKeys.OpenBookingsPartition(id), RowKeys.IntentCallsPartition(id), RowKeys.IntentCall(DateTimeOffset.UnixEpoch, id),
            RowKeys.DeadLetterIndexPartition(id, id), RowKeys.DeadLetterIndexRow(id), RowKeys.StripeEventRecordKindPrefix(id),
            RowKeys.AuditBookingPartition(id), RowKeys.AuditRow(DateTimeOffset.UnixEpoch, id, id),
        };

        Assert.All(keys, key =>
        {
            Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
            Assert.True(key.Length <= 512, key);
        });
        Assert.StartsWith("sha256-", RowKeys.Part(id), StringComparison.Ordinal);
        Assert.Equal(RowKeys.Part(id), RowKeys.Part(RowKeys.Part(id)));
    }

    [Theory]
    [InlineData("evt_3QGk2fLkdIwHu7ix0n1Wb2Yc")]
    [InlineData("3f2b0c1e-9a7d-4c1e-8f00-000000000001:payment_intent.succeeded")]
    public void ASafeIdIsKeptAsItIsSoKeysStayReadable(string id)
    {
        Assert.Equal(id, RowKeys.Part(id));
        Assert.Equal("inbox|stripe|" + id, RowKeys.StripeInbox(id));
    }

    // Not theory data: xUnit's serialization of theory rows turns a lone surrogate into U+FFFD.
    [Fact]
    public void AnIdWithALoneSurrogateBecomesItsHash()
    {
        Assert.StartsWith("sha256-", RowKeys.Part("a\ud800b"), StringComparison.Ordinal);
        Assert.StartsWith("sha256-", RowKeys.Part("a\udc00\ud800b"), StringComparison.Ordinal);
        Assert.Equal("a\ud83d\ude00b", RowKeys.Part("a\ud83d\ude00b"));
    }

    [Fact]
    public void DistinctUnsafeIdsGetDistinctKeys() =>
        Assert.NotEqual(RowKeys.Inbox("a/b"), RowKeys.Inbox("a#b"));

    [Fact]
    public void TheSweeperGetsBackTheCauseAnOutboxRowWasWrittenFor()
    {
        var row = RowKeys.Outbox("sender/chose#this", "msg|1");

        Assert.Equal(RowKeys.OutboxFor("sender/chose#this"), RowKeys.OutboxFor(RowKeys.CausationOfOutbox(row)));
        Assert.Throws<ArgumentException>(() => RowKeys.CausationOfOutbox(RowKeys.Inbox("x")));
    }

    [Fact]
    public void AnIntentCallKeyGivesBackItsTimeAndAnythingElseIsRefused()
    {
        var at = new DateTimeOffset(2026, 12, 6, 23, 59, 59, 123, TimeSpan.FromHours(2));

        Assert.Equal(at, RowKeys.IntentCallTime(RowKeys.IntentCall(at, "call|1")));
        Assert.Throws<ArgumentException>(() => RowKeys.IntentCallTime("slot|0001"));
        Assert.Throws<ArgumentException>(() => RowKeys.IntentCallTime("9999999999999999999|x"));
    }

    [Fact]
    public void HistoryKeysSortLikeTheirTimes()
    {
        var earlier = RowKeys.History(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "z");
        var later = RowKeys.History(new DateTimeOffset(2026, 1, 1, 5, 0, 1, TimeSpan.FromHours(5)), "a"); // one second later, in another offset

        Assert.True(string.CompareOrdinal(earlier, later) < 0);
    }

    [Fact]
    public async Task KeysBuiltFromHostileIdsAreStoredAndFoundAgainOnAzurite()
    {
        var tables = await StorageTables.CreateAsync();
        var cause = "sender/chose#this?id|odd\u0007";
        var partition = "bk_o'quote";

        await tables.Table.SubmitCheckedAsync(
            [new(TableTransactionActionType.Add, new TableEntity(partition, RowKeys.Inbox(cause))), new(TableTransactionActionType.Add, new TableEntity(partition, RowKeys.Outbox(cause, cause)))],
            CancellationToken.None);
        await tables.Table.AddCheckedAsync(new TableEntity(partition, "outbox~not-a-prefix-match"), CancellationToken.None);

        Assert.NotNull(await tables.Table.FindAsync(partition, RowKeys.Inbox(cause), CancellationToken.None));
        var outbox = new List<string>();
        await foreach (var row in tables.Table.QueryAsync<TableEntity>(KeyFilters.InPartitionStartingWith(partition, RowKeys.OutboxFor(cause))))
        {
            outbox.Add(row.RowKey);
        }

        Assert.Equal([RowKeys.Outbox(cause, cause)], outbox);
    }
}
