using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Payments.Customers;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Payments;

/// One Stripe customer per user: created by the user's first intent, mapped both ways in Lookups, reused after.
[Collection(AppHostGroup.Name)]
public sealed class StripeCustomersTests
{
    [Fact]
    public async Task TheFirstIntentCreatesTheUsersCustomerAndTheSecondBookingReusesIt()
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var alice = host.ClientFor("alice");
        using var bob = host.ClientFor("bob");

        var first = await CreateIntentAsync(alice, await NewBookingIdAsync(alice));
        var second = await CreateIntentAsync(alice, await NewBookingIdAsync(alice));
        var bobs = await CreateIntentAsync(bob, await NewBookingIdAsync(bob));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        var customers = host.Services.GetRequiredService<StripeCustomers>();
        var aliceCustomer = await customers.FindAsync("alice", default);
        Assert.StartsWith("cus_", aliceCustomer, StringComparison.Ordinal);
        Assert.Equal(aliceCustomer, (string?)host.EmulatorState.FindPaymentIntent(first.Text("paymentIntentId"))!["customer"]);
        Assert.Equal(aliceCustomer, (string?)host.EmulatorState.FindPaymentIntent(second.Text("paymentIntentId"))!["customer"]);
        Assert.NotEqual(aliceCustomer, (string?)host.EmulatorState.FindPaymentIntent(bobs.Text("paymentIntentId"))!["customer"]);
        Assert.Equal("alice", await customers.UserOfAsync(aliceCustomer!, default));
        Assert.Equal(2, host.EmulatorState.Customers.Count);
        Assert.Equal("alice", (string?)host.EmulatorState.Customers.Single(c => (string?)c["id"] == aliceCustomer)["metadata"]!["userId"]);
    }

    [Fact]
    public async Task ConcurrentFirstCallsInTwoInstancesEndWithOneCustomerAndOneMapping()
    {
        await using var host = await PaymentAppHost.StartAsync();
        // Two instances of the app's class, as two processes would be: only Stripe's key and the Add-409 keep them apart.
        var instances = new[] { ActivatorUtilities.CreateInstance<StripeCustomers>(host.Services), ActivatorUtilities.CreateInstance<StripeCustomers>(host.Services) };

        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => instances[i % 2].ForUserAsync("carol", default)));

        var customer = Assert.Single(ids.Distinct());
        Assert.Single(host.EmulatorState.Customers);
        Assert.Equal(customer, (string?)host.EmulatorState.Customers.Single()["id"]);
        var mappings = host.Tables.Lookups.QueryAsync<TableEntity>(e => e.PartitionKey == RowKeys.UserCustomerPartition("carol")).ToBlockingEnumerable().ToList();
        Assert.Equal(customer, Assert.Single(mappings).GetString("CustomerId"));
        Assert.Equal("carol", await instances[0].UserOfAsync(customer, default));
    }

    [Fact]
    public async Task ACrashBetweenStripesCustomerAndOurWriteIsHealedByTheRetryWithTheSameCustomer()
    {
        await using var host = await PaymentAppHost.StartAsync();
        using var dave = host.ClientFor("dave");
        var bookingId = await NewBookingIdAsync(dave);
        var fired = 0;
        host.Faults.Rule = point => point == FaultInjection.CustomerAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await CreateIntentAsync(dave, bookingId);
        var mappedAfterCrash = await host.Services.GetRequiredService<StripeCustomers>().FindAsync("dave", default);
        var retried = await CreateIntentAsync(dave, bookingId);

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Null(mappedAfterCrash);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        var customer = Assert.Single(host.EmulatorState.Customers);
        Assert.Equal((string?)customer["id"], (string?)host.EmulatorState.FindPaymentIntent(retried.Text("paymentIntentId"))!["customer"]);
        Assert.Equal(retried.Text("paymentIntentId"), (string?)Assert.Single(host.EmulatorState.PaymentIntents)["id"]);
    }
}
