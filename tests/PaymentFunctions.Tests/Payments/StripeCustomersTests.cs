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
public sealed class StripeCustomersTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task TheFirstIntentCreatesTheUsersCustomerAndTheSecondBookingReusesIt()
    {
        var host = fixture.Host;
        var aliceId = NewUser("alice");
        var bobId = NewUser("bob");
        using var alice = host.ClientFor(aliceId);
        using var bob = host.ClientFor(bobId);

        var first = await CreateIntentAsync(alice, await NewBookingIdAsync(alice));
        var second = await CreateIntentAsync(alice, await NewBookingIdAsync(alice));
        var bobs = await CreateIntentAsync(bob, await NewBookingIdAsync(bob));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        var customers = host.Services.GetRequiredService<StripeCustomers>();
        var aliceCustomer = await customers.FindAsync(aliceId, default);
        Assert.StartsWith("cus_", aliceCustomer, StringComparison.Ordinal);
        Assert.Equal(aliceCustomer, (string?)host.EmulatorState.FindPaymentIntent(first.Text("paymentIntentId"))!["customer"]);
        Assert.Equal(aliceCustomer, (string?)host.EmulatorState.FindPaymentIntent(second.Text("paymentIntentId"))!["customer"]);
        Assert.NotEqual(aliceCustomer, (string?)host.EmulatorState.FindPaymentIntent(bobs.Text("paymentIntentId"))!["customer"]);
        Assert.Equal(aliceId, await customers.UserOfAsync(aliceCustomer!, default));
        Assert.Equal(aliceCustomer, (string?)Assert.Single(host.EmulatorState.CustomersOf(aliceId))["id"]);
        Assert.Single(host.EmulatorState.CustomersOf(bobId));
    }

    [Fact]
    public async Task ConcurrentFirstCallsInTwoInstancesEndWithOneCustomerAndOneMapping()
    {
        var host = fixture.Host;
        // Two instances of the app's class, as two processes would be: only Stripe's key and the Add-409 keep them apart.
        var instances = new[] { ActivatorUtilities.CreateInstance<StripeCustomers>(host.Services), ActivatorUtilities.CreateInstance<StripeCustomers>(host.Services) };

        var carolId = NewUser("carol");

        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => instances[i % 2].ForUserAsync(carolId, default)));

        var customer = Assert.Single(ids.Distinct());
        Assert.Equal(customer, (string?)Assert.Single(host.EmulatorState.CustomersOf(carolId))["id"]);
        var mappings = host.Tables.Lookups.QueryAsync<TableEntity>(e => e.PartitionKey == RowKeys.UserCustomerPartition(carolId)).ToBlockingEnumerable().ToList();
        Assert.Equal(customer, Assert.Single(mappings).GetString("CustomerId"));
        Assert.Equal(carolId, await instances[0].UserOfAsync(customer, default));
    }

    [Fact]
    public async Task ACrashBetweenStripesCustomerAndOurWriteIsHealedByTheRetryWithTheSameCustomer()
    {
        var host = fixture.Host;
        var daveId = NewUser("dave");
        using var dave = host.ClientFor(daveId);
        var bookingId = await NewBookingIdAsync(dave);
        var fired = 0;
        host.Faults.Rule = point => point == FaultInjection.CustomerAfterStripe && Interlocked.Exchange(ref fired, 1) == 0;

        var crashed = await CreateIntentAsync(dave, bookingId);
        var mappedAfterCrash = await host.Services.GetRequiredService<StripeCustomers>().FindAsync(daveId, default);
        var retried = await CreateIntentAsync(dave, bookingId);

        crashed.AssertProblem(HttpStatusCode.InternalServerError);
        Assert.Null(mappedAfterCrash);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
        var customer = Assert.Single(host.EmulatorState.CustomersOf(daveId));
        Assert.Equal((string?)customer["id"], (string?)host.EmulatorState.FindPaymentIntent(retried.Text("paymentIntentId"))!["customer"]);
        Assert.Equal(retried.Text("paymentIntentId"), (string?)Assert.Single(host.EmulatorState.IntentsFor(bookingId))["id"]);
    }
}
