namespace PaymentFunctions.Tests.Infrastructure;

/// The real clock, shifted: "two minutes later" without waiting two minutes.
public sealed class OffsetClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
}
