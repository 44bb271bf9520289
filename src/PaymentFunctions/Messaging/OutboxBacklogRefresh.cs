namespace PaymentFunctions.Messaging;

/// Keeps the outbox gauges current for an exporter that pushes on its own schedule (Azure Monitor, OTLP): a read of
/// the backlog every <see cref="OutboxBacklog.ReadEvery"/>. Prometheus pulls, and its endpoint reads before it answers,
/// so the standalone host without OTLP runs none of this.
public sealed class OutboxBacklogRefresh(OutboxBacklog backlog, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(OutboxBacklog.ReadEvery, time);
        do
        {
            try
            {
                await backlog.ReadAsync(stoppingToken);
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Logged by the read; the gauges keep the last reading and the next tick tries again.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
