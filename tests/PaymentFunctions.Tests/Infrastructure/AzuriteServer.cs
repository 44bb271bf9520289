using System.Diagnostics;
using System.Net.Sockets;

namespace PaymentFunctions.Tests.Infrastructure;

/// A real Azurite table service (from the repo's node_modules) on a free loopback port.
/// Tests share one instance (<see cref="Shared"/>) and isolate themselves by table name; a test that
/// stops Azurite on purpose starts its own.
public sealed class AzuriteServer : IAsyncDisposable
{
    // Azurite's documented, public development account: not a secret.
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<AzuriteServer>> SharedInstance = new(() => StartAsync());
    private readonly string _dataDirectory;
    private Process? _process;

    private AzuriteServer(int port, string dataDirectory)
    {
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public static Task<AzuriteServer> Shared => SharedInstance.Value;

    public int Port { get; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

    public static async Task<AzuriteServer> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "pf-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var server = new AzuriteServer(FreePort.Next(), dataDirectory);
        await server.RestartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Kill();
        return server;
    }

    /// Starts (again) on the same port and data folder, so stored tables survive a stop.
    public async Task RestartAsync()
    {
        Kill();
        var executable = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run ./test.sh (it runs npm ci).");
        }

        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(), "--location", _dataDirectory, "--skipApiVersionCheck", "--disableTelemetry" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }

        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} while starting.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"Azurite did not listen on 127.0.0.1:{Port} within 30 s.");
    }
}
