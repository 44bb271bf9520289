using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PaymentFunctions.Storage;

namespace PaymentFunctions.Retention;

/// Deletes by age what is kept for a while only: expired idempotency keys, Stripe and consumer inbox rows, records of
/// events that were not published. It reads the retention index (<see cref="RetentionIndex"/>), kind by kind, the
/// minutes that are due, oldest first, at most Retention:MaxEntriesPerRun entries per kind, and deletes what each
/// entry points at (<see cref="RetainedRows"/>); an entry goes only after its rows did, so a run that dies or stops
/// early leaves the rest for the next run. Its reads follow what is due, never the size of a table.
public sealed class RetentionSweep(
    PaymentTables tables, RetentionIndex index, RetainedRows rows, FaultInjection faults, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweep> logger)
{
    public const string Name = "Retention";

    /// Entries handled together: their rows deleted (8 partitions at once), then the entries in one transaction per minute.
    private const int ChunkSize = 100;
    private const int MaxConcurrentPartitions = 8;

    public async Task<RetentionRun> RunAsync(CancellationToken cancellationToken)
    {
        await tables.EnsureCreatedAsync(cancellationToken);
        var settings = options.Value;
        var now = time.GetUtcNow();
        var started = time.GetTimestamp();
        var run = new RetentionRun();
        // Stops taking new entries when the budget is spent; the chunk in hand finishes on the caller's token.
        using var budget = new CancellationTokenSource(settings.RunBudget, time);
        using var taking = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancellationToken);
        foreach (var kind in Enum.GetValues<RetentionKind>())
        {
            var swept = run.Of(kind);
            var cut = now - Window(kind, settings);
            try
            {
                await foreach (var chunk in index.DueAsync(kind, cut, settings.MaxEntriesPerRun, taking.Token).Chunk(ChunkSize).WithCancellation(taking.Token))
                {
                    await SweepAsync(chunk, cut, swept, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Retention stopped after its budget of {Budget}; the next run continues", settings.RunBudget);
                break;
            }

            if (swept.Entries == settings.MaxEntriesPerRun)
            {
                logger.LogWarning("Retention handled {Max} {Kind} entries (Retention:MaxEntriesPerRun), oldest first; the rest wait for the next run", settings.MaxEntriesPerRun, kind);
            }
        }

        run.Duration = time.GetElapsedTime(started);
        foreach (var (kind, swept) in run.Kinds)
        {
            logger.LogInformation("Retention {Kind}: {Entries} entries, {Rows} rows deleted, {Failed} failed", kind, swept.Entries, swept.Rows, swept.Failed);
        }

        logger.LogInformation("Retention run: {Entries} entries, {Rows} rows deleted, {Failed} failed, in {DurationMs} ms", run.Entries, run.Rows, run.Failed, (long)run.Duration.TotalMilliseconds);
        return run.Failed == 0 ? run : throw new InvalidOperationException($"Retention deleted {run.Rows} row(s); {run.Failed} entry(s) failed and are retried next run.");
    }

    // Idempotency keys are filed by the minute they expire, so their cut-off is now.
    private static TimeSpan Window(RetentionKind kind, RetentionOptions settings) => kind switch
    {
        RetentionKind.StripeInbox => settings.StripeInbox,
        RetentionKind.ConsumerInbox => settings.ConsumerInbox,
        RetentionKind.EventRecord => settings.EventRecords,
        _ => TimeSpan.Zero,
    };

    private async Task SweepAsync(RetentionEntry[] chunk, DateTimeOffset cut, RetentionRun.Kind swept, CancellationToken cancellationToken)
    {
        swept.Add(entries: chunk.Length);
        var done = new ConcurrentBag<RetentionEntry>();
        if (chunk[0].Kind == RetentionKind.EventRecord)
        {
            swept.Add(rows: await rows.DeleteRecordsAsync(chunk, cancellationToken));
            chunk.ToList().ForEach(done.Add);
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentPartitions, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(chunk, parallel, async (entry, token) =>
            {
                try
                {
                    swept.Add(rows: await rows.DeleteAsync(entry, cut, token));
                    done.Add(entry);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One partition must not hold up the others; its entry stays for the next run, which still fails.
                    logger.LogError(ex, "Retention of {Kind} rows in partition {Partition} failed: {Error}", entry.Kind, entry.Partition, ex.Message);
                    swept.Add(failed: 1);
                }
            });
        }

        faults.Reached(FaultInjection.RetentionAfterRows);
        await index.RemoveAsync(done, cancellationToken);
    }
}

/// What one run did, per kind of row: entries read, rows deleted, entries whose rows could not be deleted.
public sealed class RetentionRun
{
    public Dictionary<RetentionKind, Kind> Kinds { get; } = [];

    public TimeSpan Duration { get; set; }

    public int Entries => Kinds.Values.Sum(k => k.Entries);

    public int Rows => Kinds.Values.Sum(k => k.Rows);

    public int Failed => Kinds.Values.Sum(k => k.Failed);

    public Kind Of(RetentionKind kind) => Kinds.TryGetValue(kind, out var swept) ? swept : Kinds[kind] = new Kind();

    public sealed class Kind
    {
        private int _entries;
        private int _rows;
        private int _failed;

        public int Entries => _entries;

        public int Rows => _rows;

        public int Failed => _failed;

        internal void Add(int entries = 0, int rows = 0, int failed = 0)
        {
            Interlocked.Add(ref _entries, entries);
            Interlocked.Add(ref _rows, rows);
            Interlocked.Add(ref _failed, failed);
        }
    }
}
