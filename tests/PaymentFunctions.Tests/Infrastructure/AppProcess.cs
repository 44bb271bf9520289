using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace PaymentFunctions.Tests.Infrastructure;

/// The built app (`dotnet PaymentFunctions.dll`, standalone host) as a child process, configured through its
/// environment the way run.sh does, so a test can SIGKILL it and start it again on the same storage.
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private bool _disposed;

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// The last lines the app wrote, for a failure message.
    public string OutputTail => string.Join('\n', _output);

    /// Starts the app and waits until /api/health answers 200.
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        HostStarts.Count(nameof(AppProcess));
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppOutput.Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AppOutput.File("PaymentFunctions.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var app = new AppProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), new Uri($"http://127.0.0.1:{port}"));
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            if (await TestBookings.EventuallyAsync(() => IsHealthyAsync(client), healthy => healthy || app.HasExited, "the app to answer /api/health or exit", StartLimit))
            {
                return app;
            }
        }
        catch (Xunit.Sdk.XunitException)
        {
            // Timed out: the app's own output says why.
        }

        var tail = app.OutputTail;
        await app.DisposeAsync();
        throw new InvalidOperationException($"The app did not become healthy:\n{tail}");
    }

    /// SIGKILL: no shutdown hook, no flush, no drain - what a crash or an OOM kill does.
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();
        _process.Dispose();
    }

    private static async Task<bool> IsHealthyAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false; // not listening yet
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }
}
