using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Hosting;
using PaymentFunctions.Http;

namespace PaymentFunctions.Tests.Hosting;

/// Each HTTP function declares who may call it, read by one check in both hosts (FunctionAuthorization).
public sealed class FunctionAuthorizationTests
{
    public static TheoryData<string, string> DeclaredAccess => new()
    {
        { "CreateBooking", "spa" },
        { "GetBooking", "spa" },
        { "CancelBooking", "spa" },
        { "ListPaymentMethods", "spa" },
        { "DetachPaymentMethod", "spa" },
        { "CreatePaymentIntent", "spa" },
        { "CreateCheckoutSession", "spa" },
        { "GetPaymentStatus", "spa" },
        { "StaffRefund", AuthSetup.PaymentsAdminPolicy },
        { "StaffGetBooking", AuthSetup.PaymentsAdminPolicy },
        { "ListBookingAudit", AuthSetup.PaymentsAdminPolicy },
        { "ListDayAudit", AuthSetup.PaymentsAdminPolicy },
        { "ListStripeEvents", AuthSetup.PaymentsAdminPolicy },
        { "ReplayStripeEvent", AuthSetup.PaymentsAdminPolicy },
        { "ListDeadLetters", AuthSetup.PaymentsAdminPolicy },
        { "RequeueDeadLetter", AuthSetup.PaymentsAdminPolicy },
        { "ListStuckOutbox", AuthSetup.PaymentsAdminPolicy },
        { "BackfillRetention", AuthSetup.PaymentsAdminPolicy },
        { "StripeWebhook", "anonymous" },
        { "Health", "anonymous" },
    };

    [Fact]
    public void EveryHttpFunctionIsPinnedHere() =>
        Assert.Equal(
            DeclaredAccess.Select(row => (string)row[0]).Order(StringComparer.Ordinal),
            FunctionCatalog.All.Where(f => f.Http is not null).Select(f => f.Name).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(DeclaredAccess))]
    public void EachHttpFunctionDeclaresWhoMayCallIt(string function, string access)
    {
        var method = FunctionCatalog.Named(function).Method;
        var authorize = method.GetCustomAttributes<AuthorizeAttribute>().ToList();
        var anonymous = method.GetCustomAttribute<AllowAnonymousAttribute>() is not null;

        var declared = anonymous ? "anonymous" : Assert.Single(authorize).Policy ?? "spa";

        Assert.Equal(access, declared);
        Assert.False(anonymous && authorize.Count > 0, $"{function} declares both [AllowAnonymous] and [Authorize].");
    }

    [Fact]
    public async Task AFunctionThatDeclaresNeitherAuthorizeNorAllowAnonymousIsRefusedRatherThanServedToAnyone()
    {
        await using var services = new ServiceCollection().AddLogging().AddAuthorization().BuildServiceProvider();
        var authorization = ActivatorUtilities.CreateInstance<FunctionAuthorization>(services);
        var undeclared = typeof(FunctionAuthorizationTests).GetMethod(nameof(Undeclared), BindingFlags.NonPublic | BindingFlags.Static)!;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => authorization.DenyAsync(undeclared, new DefaultHttpContext { RequestServices = services }));

        Assert.Equal("FunctionAuthorizationTests.Undeclared declares neither [Authorize] nor [AllowAnonymous].", error.Message);
    }

    private static void Undeclared()
    {
    }
}
