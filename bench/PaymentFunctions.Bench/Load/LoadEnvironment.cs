using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PaymentFunctions.Bench.Load;

/// Azurite and the real app (the Release build of src/PaymentFunctions), both on free loopback ports, started
/// the way run.sh and the tests start them. Everything is torn down on dispose, including Azurite's data folder.
internal sealed class LoadEnvironment : IDisposable
{
    public const string AccountName = "devstoreaccount1";

    // Azurite's documented, public development account key: not a secret.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const string WebhookSecret = "whsec_bench_only_0123456789abcdef";

    private readonly string _dataDirectory;

    private LoadEnvironment(string dataDirectory, BenchProcess azurite, BenchProcess app, int azuritePort, int appPort)
    {
        _dataDirectory = dataDirectory;
        Azurite = azurite;
        App = app;
        StorageConnectionString = ConnectionString(azuritePort);
        AppUri = new Uri($"http://127.0.0.1:{appPort}");
    }

    public BenchProcess Azurite { get; }

    public BenchProcess App { get; }

    public string StorageConnectionString { get; }

    public Uri AppUri { get; }

    public static async Task<LoadEnvironment> StartAsync(string repoRoot)
    {
        var appDll = Path.Combine(repoRoot, "src", "PaymentFunctions", "bin", "Release", "net10.0", "PaymentFunctions.dll");
        var azuriteExe = Path.Combine(repoRoot, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(appDll) || !File.Exists(azuriteExe))
        {
            throw new InvalidOperationException($"Needs {appDll} (dotnet build src/PaymentFunctions -c Release) and {azuriteExe} (npm ci); bench/run.sh does both.");
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "pf-bench-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var azuritePort = FreePort();
        var azurite = BenchProcess.Start(new ProcessStartInfo(azuriteExe)
        {
            ArgumentList = { "--tableHost", "127.0.0.1", "--tablePort", azuritePort.ToString(), "--location", dataDirectory, "--skipApiVersionCheck", "--disableTelemetry" },
        });
        await BenchProcess.WaitForPortAsync(azuritePort, azurite, TimeSpan.FromSeconds(30));

        var appPort = FreePort();
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { appDll, "--urls", $"http://127.0.0.1:{appPort}" }, WorkingDirectory = Path.GetDirectoryName(appDll)! };
        foreach (var (key, value) in AppSettings(ConnectionString(azuritePort)))
        {
            start.Environment[key] = value;
        }

        var app = BenchProcess.Start(start);
        var environment = new LoadEnvironment(dataDirectory, azurite, app, azuritePort, appPort);
        await BenchProcess.WaitForPortAsync(appPort, app, TimeSpan.FromSeconds(60));
        return environment;
    }

    public void Dispose()
    {
        App.Dispose();
        Azurite.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    // Development-like: the stand-ins are allowed, Stripe points at a closed loopback port (payment_intent.* events
    // carrying metadata.bookingId never call Stripe), timers are off so only webhooks run, and the logs are at
    // Warning so the console logger does not dominate what is measured.
    private static Dictionary<string, string> AppSettings(string storageConnectionString) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Storage__ConnectionString"] = storageConnectionString,
        ["ServiceBus__Transport"] = "InProcess",
        ["Stripe__SecretKey"] = "sk_test_bench_only",
        ["Stripe__ApiBase"] = "http://127.0.0.1:9",
        ["Stripe__WebhookSecrets__0"] = WebhookSecret,
        ["Timers__RunLocally"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
    };

    private static string ConnectionString(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AccountName};";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
