using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace PaymentFunctions.Bench.Load;

/// A child process this benchmark started (Azurite or the app), killed with its tree on dispose. Output is
/// drained so a chatty child never blocks on a full pipe.
internal sealed class BenchProcess : IDisposable
{
    private readonly Process _process;

    private BenchProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static BenchProcess Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchProcess(process);
    }

    /// Peak resident set (VmHWM), which is what "peak working set" means on Linux.
    public long PeakWorkingSetBytes()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return status is null ? _process.PeakWorkingSet64 : long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// What the resident set is made of now (anonymous: heaps and stacks; file: mapped assemblies and native
    /// libraries; shmem: the runtime's double-mapped executable memory), from /proc/PID/status.
    public string ResidentBreakdown()
    {
        var fields = File.ReadAllLines($"/proc/{_process.Id}/status")
            .Where(l => l.StartsWith("RssAnon:", StringComparison.Ordinal) || l.StartsWith("RssFile:", StringComparison.Ordinal) || l.StartsWith("RssShmem:", StringComparison.Ordinal) || l.StartsWith("Threads:", StringComparison.Ordinal))
            .Select(l => l.Split(':', 2) is [var key, var value] ? (Key: key, Value: long.Parse(value.Trim().Split(' ')[0], CultureInfo.InvariantCulture)) : default);
        return string.Join(", ", fields.Select(f => f.Key == "Threads" ? $"{f.Value} threads" : $"{f.Key[3..].ToLowerInvariant()} {f.Value / 1024.0:F0} MiB"));
    }

    /// The mapped files that hold the most resident memory now (from /proc/PID/smaps), largest first: which
    /// assemblies and native libraries the "file" part of <see cref="ResidentBreakdown"/> is made of.
    public string LargestMappedFiles(int top)
    {
        var perFile = new Dictionary<string, long>(StringComparer.Ordinal);
        string? current = null;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/smaps"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                current = parts.Length >= 6 && parts[5].StartsWith('/') ? Path.GetFileName(parts[5]) : null;
            }
            else if (current is not null && parts is ["Rss:", var kb, "kB"])
            {
                perFile[current] = perFile.GetValueOrDefault(current) + long.Parse(kb, CultureInfo.InvariantCulture);
            }
        }

        return string.Join(", ", perFile.OrderByDescending(f => f.Value).Take(top).Select(f => $"{f.Key} {f.Value / 1024.0:F1}"))
            + $" (MiB; {perFile.Count} files, {perFile.Values.Sum() / 1024.0:F0} MiB in all)";
    }

    public static async Task WaitForPortAsync(int port, BenchProcess owner, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (owner.HasExited)
            {
                throw new InvalidOperationException($"Process {owner.Id} exited before listening on 127.0.0.1:{port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"Nothing listened on 127.0.0.1:{port} within {timeout.TotalSeconds} s.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
