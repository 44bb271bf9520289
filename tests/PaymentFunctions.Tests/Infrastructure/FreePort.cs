using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PaymentFunctions.Tests.Infrastructure;

/// A loopback port nothing listens on yet. The OS may hand the same ephemeral port out again once its probe
/// listener closed, so ports already given to this test run are never given twice (two test hosts started in
/// parallel would otherwise race for one port).
internal static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> Given = new();

    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.TryAdd(port, 0))
            {
                return port;
            }
        }
    }
}
