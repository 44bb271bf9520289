using Azure;
using Azure.Data.Tables;
using PaymentFunctions.Storage;
using Stripe;

namespace PaymentFunctions.Payments.Customers;

/// One Stripe Customer per user, mapped both ways in the Lookups table (user -> customer, customer -> user).
/// The first call for a user creates the customer under the deterministic Stripe key "customer-create:{user}", so
/// concurrent first calls (here or in another instance) and a retry after a crash between Stripe's answer and our
/// write all get the same customer back; the user -> customer row is then added once (409: someone else wrote it
/// first, and theirs is kept). So nothing here takes turns: a lock held across Stripe's round trip would only make
/// other users wait behind it.
public sealed class StripeCustomers(PaymentTables tables, StripeClient stripe, FaultInjection faults, TimeProvider time, ILogger<StripeCustomers> logger)
{
    public async Task<string> ForUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (await FindAsync(userId, cancellationToken) is { } known)
        {
            return known;
        }

        return await CreateAsync(userId, cancellationToken);
    }

    /// The user's customer id, or null when the user has none yet.
    public async Task<string?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        return (await tables.Lookups.FindAsync(RowKeys.UserCustomerPartition(userId), RowKeys.CustomerOfUserRow, cancellationToken))?.GetString("CustomerId");
    }

    /// The user a customer belongs to, or null for a customer that is not one of ours.
    public async Task<string?> UserOfAsync(string customerId, CancellationToken cancellationToken) =>
        (await tables.Lookups.FindAsync(RowKeys.CustomerUserPartition(customerId), RowKeys.UserOfCustomerRow, cancellationToken))?.GetString("UserId");

    private async Task<string> CreateAsync(string userId, CancellationToken cancellationToken)
    {
        var customer = await stripe.V1.Customers.CreateAsync(CreateOptions(userId), new RequestOptions { IdempotencyKey = IdempotencyKey(userId) }, cancellationToken);
        faults.Reached(FaultInjection.CustomerAfterStripe);

        // customer -> user first: once anyone can find the customer through the user, its way back exists too.
        await tables.Lookups.UpsertCheckedAsync(
            new TableEntity(RowKeys.CustomerUserPartition(customer.Id), RowKeys.UserOfCustomerRow) { ["UserId"] = userId }, TableUpdateMode.Replace, cancellationToken);
        try
        {
            await tables.Lookups.AddCheckedAsync(
                new TableEntity(RowKeys.UserCustomerPartition(userId), RowKeys.CustomerOfUserRow) { ["CustomerId"] = customer.Id, ["CreatedAt"] = time.GetUtcNow() }, cancellationToken);
            logger.LogInformation("Stripe customer {CustomerId} created for user {UserId} (Stripe request {RequestId})", customer.Id, userId, customer.StripeResponse?.RequestId);
            return customer.Id;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance recorded the user's customer first. With the same Stripe key it is the same customer,
            // unless the two calls were more than Stripe's 24 h key lifetime apart; then ours is left unused.
            var stored = await FindAsync(userId, cancellationToken) ?? throw new InvalidOperationException($"User {userId}'s customer row exists and vanished.", ex);
            if (stored != customer.Id)
            {
                logger.LogWarning("User {UserId} already has Stripe customer {Stored}; {Unused} is left unused", userId, stored, customer.Id);
            }

            return stored;
        }
    }

    /// Everything the app sends to create a customer (the contract test checks it against Stripe's spec).
    internal static CustomerCreateOptions CreateOptions(string userId) => new() { Metadata = new Dictionary<string, string> { ["userId"] = userId } };

    /// Stripe takes the key as an HTTP header, which carries ASCII only: a user id with other characters (the
    /// identity provider's choice) is keyed by its hash.
    public static string IdempotencyKey(string userId) =>
        "customer-create:" + (RowKeys.Part(userId) is var part && System.Text.Ascii.IsValid(part) ? part : RowKeys.Hashed(userId));
}
