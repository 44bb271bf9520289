using System.Diagnostics.Metrics;

namespace PaymentFunctions.Telemetry;

/// The app's one Meter, made by the host's IMeterFactory (never a static Meter): each host, a test's included, gets
/// its own, so a test reads only the measurements of the host it drives. The factory hands every class that asks the
/// same Meter. Instruments live next to the code they measure; names: docs/operations.md.
public static class PaymentsMeter
{
    /// The meter name an exporter subscribes to (Hosting/ObservabilitySetup.cs).
    public const string Name = "PaymentFunctions";

    /// The attribute every "how did it end" instrument of the app uses, with values of its own per instrument.
    public const string Outcome = "outcome";

    public static Meter Create(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        return meters.Create(Name);
    }
}
