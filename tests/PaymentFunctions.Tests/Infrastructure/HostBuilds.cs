namespace PaymentFunctions.Tests.Infrastructure;

/// WebApplicationFactory finds the app's host through a process-wide DiagnosticListener: two hosts built at the
/// same moment by tests running in parallel can catch each other's. Building (not running) one at a time avoids it.
internal static class HostBuilds
{
    private static readonly Lock Gate = new();

    public static void OneAtATime(Action build)
    {
        lock (Gate)
        {
            build();
        }
    }
}
