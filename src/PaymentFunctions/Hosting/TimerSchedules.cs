namespace PaymentFunctions.Hosting;

/// The app settings holding the timers' NCRONTAB schedules (six fields, seconds first), named in the triggers as
/// %Name%. Both the Functions host and the standalone host resolve %Name% as a configuration key
/// (WebJobs' DefaultNameResolver: IConfiguration[name]), each in its own configuration: the host reads its app
/// settings (Timers__X in Azure, local.settings.json's Values under func start), never the worker's
/// appsettings.json, whose { "Timers": { "X": ... } } only the standalone host uses. The name must not contain "__".
public static class TimerSchedules
{
    public const string Reconciliation = "Timers:ReconciliationSchedule";
    public const string Expiry = "Timers:ExpirySchedule";
    public const string OutboxSweep = "Timers:OutboxSweepSchedule";
}
