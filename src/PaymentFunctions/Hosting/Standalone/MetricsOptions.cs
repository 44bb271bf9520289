namespace PaymentFunctions.Hosting.Standalone;

/// Section "Metrics" (standalone host only: under the Functions host metrics go to Azure Monitor, no route serves them).
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// GET /metrics answers callers on this machine only (loopback) unless this is true: the counts reveal traffic
    /// volumes and failure rates. Set it only where the network limits who reaches the port.
    public bool AllowRemoteScrape { get; set; }
}
