using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PaymentFunctions.Messaging;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;

namespace PaymentFunctions.Tests.Hosting;

/// What the app starts at every start: its own background services, and not ASP.NET Core's data-protection key
/// ring, which AddAuthentication brings with a hosted service that loads it (on a first start, creates it and writes
/// it to disk). Bearer tokens protect no data.
[Collection(AppHostGroup.Name)]
public sealed class StartupWorkTests(InProcessAppHost fixture)
{
    [Fact]
    public async Task NoDataProtectionKeyRingIsLoadedAtStart()
    {
        var host = fixture.Host;

        var started = host.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName!).ToList();

        Assert.Contains(typeof(OutboxCleanup).FullName!, started);
        Assert.DoesNotContain(started, name => name.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal));
    }
}
