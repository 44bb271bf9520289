namespace PaymentFunctions.Hosting;

/// The app settings holding the timers' NCRONTAB schedules (six fields, seconds first), named in the triggers as
/// %Name%. Both the Functions host and the standalone host resolve %Name% as a configuration key
/// (WebJobs' DefaultNameResolver: IConfiguration[name]), so "Timers:X" is the app setting Timers__X in Azure
/// and { "Timers": { "X": ... } } in appsettings.json; the name must not contain "__" itself.
public static class TimerSchedules
{
    public const string Reconciliation = "Timers:ReconciliationSchedule";
    public const string Expiry = "Timers:ExpirySchedule";
    public const string OutboxSweep = "Timers:OutboxSweepSchedule";
}
