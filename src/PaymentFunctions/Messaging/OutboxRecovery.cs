namespace PaymentFunctions.Messaging;

/// Who sends a commit's outbox rows if this process dies between the commit and the send.
public enum OutboxRecovery
{
    /// No one would redeliver the cause (a timer, a caller that may give up): the rows are indexed as pending
    /// before the commit, and the outbox sweeper sends what is left. One more storage round trip per commit.
    Sweeper,

    /// The cause's sender redelivers it until it is acknowledged (a Service Bus message not completed, a Stripe
    /// webhook not answered 2xx), and the redelivery sends what is left (409 at the inbox, then the cause's outbox
    /// rows). Nothing is indexed on the way; a failure after the commit indexes the rows before it propagates.
    Redelivery,
}
