namespace PaymentFunctions.Tests.Infrastructure;

/// The real clock, shifted: "two minutes later" without waiting two minutes. Its timers are the real ones, so an app
/// host can run on it while the test moves its time forward.
public sealed class OffsetClock(TimeSpan offset) : TimeProvider
{
    private long _offsetTicks = offset.Ticks;

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
