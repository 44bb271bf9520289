using System.Net;
using Microsoft.AspNetCore.Http;
using PaymentFunctions.Hosting.Standalone.Demo;

namespace PaymentFunctions.Tests.Hosting;

/// Who the demo's /dev routes answer: a caller on this machine, addressing it by a loopback name, not forwarded.
public sealed class LoopbackCallersTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:7071")]
    [InlineData("::1", "[::1]:7071")]
    [InlineData("::ffff:127.0.0.1", "localhost:7071")]
    public void ALoopbackCallerAddressingALoopbackHostIsAnswered(string remote, string host) =>
        Assert.Null(LoopbackCallers.Refusal(Request(remote, host)));

    [Theory]
    [InlineData("10.0.0.5", "127.0.0.1:7071", null)]
    [InlineData("192.168.1.20", "localhost:7071", null)]
    [InlineData("127.0.0.1", "127.0.0.1:7071", "X-Forwarded-For")]
    [InlineData("127.0.0.1", "127.0.0.1:7071", "X-Real-IP")]
    [InlineData("127.0.0.1", "127.0.0.1:7071", "Forwarded")]
    [InlineData("127.0.0.1", "attacker.example:7071", null)]
    public void AnyOtherCallerIsRefused(string remote, string host, string? forwardedBy)
    {
        var request = Request(remote, host);
        if (forwardedBy is not null)
        {
            request.Request.Headers[forwardedBy] = "203.0.113.7";
        }

        Assert.NotNull(LoopbackCallers.Refusal(request));
    }

    [Fact]
    public void ACallerWithoutAnAddressIsRefused() =>
        Assert.NotNull(LoopbackCallers.Refusal(new DefaultHttpContext { Request = { Host = new HostString("localhost") } }));

    private static DefaultHttpContext Request(string remote, string host) =>
        new() { Connection = { RemoteIpAddress = IPAddress.Parse(remote) }, Request = { Host = HostString.FromUriComponent(host) } };
}
