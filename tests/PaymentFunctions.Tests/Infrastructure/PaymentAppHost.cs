using System.Net.Http.Headers;
using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PaymentFunctions.Messaging.Local;
using PaymentFunctions.Storage;
using StripeEmulator;

namespace PaymentFunctions.Tests.Infrastructure;

/// The whole service as a user meets it: the app on real Kestrel (127.0.0.1, free port), real Azurite
/// (own table prefix per host), the Stripe emulator posting signed webhooks to the app, and either the
/// in-process transport (local mode) or, in Azure mode, the production Service Bus publisher sending through
/// a recording ServiceBusClient double put in place of the app's client (no AMQP broker runs here).
public sealed class PaymentAppHost : IAsyncDisposable
{
    public const string WebhookSecret = "whsec_tests_only_0123456789";
    public const string StripeKey = "sk_test_tests_only_0123456789";

    private readonly WebApplicationFactory<Program> _factory;

    private PaymentAppHost(WebApplicationFactory<Program> factory, WebApplication emulator, RecordingServiceBusClient? serviceBus, string tablePrefix, AnswerRecorder answers)
    {
        _factory = factory;
        Answers = answers;
        Emulator = emulator;
        ServiceBus = serviceBus;
        TablePrefix = tablePrefix;
        Client = NewClient();
    }

    public HttpClient Client { get; }

    /// Every answer the app gave under /api, checked against docs/openapi.json as it left the app.
    public AnswerRecorder Answers { get; }

    public IServiceProvider Services => _factory.Services;

    public WebApplication Emulator { get; }

    public EmulatorState EmulatorState => Emulator.Services.GetRequiredService<EmulatorState>();

    public Uri EmulatorUri => new(Emulator.Urls.First());

    public RecordingServiceBusClient? ServiceBus { get; }

    public string TablePrefix { get; }

    public PaymentTables Tables => Services.GetRequiredService<PaymentTables>();

    public FaultInjection Faults => Services.GetRequiredService<FaultInjection>();

    public InProcessTransport? InProcess => Services.GetService<InProcessTransport>();

    public static async Task<PaymentAppHost> StartAsync(bool serviceBus = false, IDictionary<string, string?>? settings = null, bool deliverWebhooks = true, TimeProvider? clock = null, Action<IServiceCollection>? services = null)
    {
        var azurite = await AzuriteServer.Shared;
        var appPort = FreePort.Next();
        // The console gets warnings and errors only: CI shows the tail of the run, where the test results belong.
        const string QuietConsole = "Logging:Console:LogLevel:Default";
        var emulator = EmulatorApp.Build([$"--{QuietConsole}=Warning"], o =>
        {
            o.WebhookUrl = deliverWebhooks ? $"http://127.0.0.1:{appPort}/api/webhooks/stripe" : null;
            o.WebhookSecret = WebhookSecret;
            o.WebhookRetryDelay = TimeSpan.FromMilliseconds(200);
        });
        emulator.Urls.Add($"http://127.0.0.1:{FreePort.Next()}");
        await emulator.StartAsync();

        var recordingBus = serviceBus ? new RecordingServiceBusClient() : null;
        var tablePrefix = "t" + Guid.NewGuid().ToString("N")[..10];
        var config = new Dictionary<string, string?>
        {
            [QuietConsole] = "Warning",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = tablePrefix,
            ["Stripe:SecretKey"] = StripeKey,
            ["Stripe:ApiBase"] = emulator.Urls.First(),
            ["Stripe:WebhookSecrets:0"] = WebhookSecret,
            ["ServiceBus:Transport"] = serviceBus ? "ServiceBus" : "InProcess",
            ["ServiceBus:FullyQualifiedNamespace"] = serviceBus ? recordingBus!.FullyQualifiedNamespace : null,
            ["ServiceBus:InProcess:RedeliveryDelay"] = "00:00:00.050",
            ["Timers:RunLocally"] = "false",
            ["Auth:DevSigningKey"] = TestTokens.SigningKey,
            ["Auth:Audience"] = TestTokens.Audience,
            // The SPA's origin is the app's own, as with ./run.sh's demo page, so Checkout comes back to a page a browser
            // can open; http://spa.test stands for a separately hosted SPA in the CORS tests.
            ["Cors:AllowedOrigins:0"] = $"http://127.0.0.1:{appPort}",
            ["Cors:AllowedOrigins:1"] = "http://spa.test",
            // Shared hosts serve many tests, some with 50 concurrent calls for one user; UserLimitsTests tests the limit.
            ["Payments:MaxIntentCallsPerUser"] = "10000",
            ["Catalog:TicketTypes:standard:Name"] = "Standard",
            ["Catalog:TicketTypes:standard:UnitPrice"] = "25.00",
            ["Catalog:TicketTypes:standard:Currency"] = "EUR",
            ["Catalog:TicketTypes:tokyo:Name"] = "Tokyo",
            ["Catalog:TicketTypes:tokyo:UnitPrice"] = "5000",
            ["Catalog:TicketTypes:tokyo:Currency"] = "JPY",
            ["Catalog:TicketTypes:manama:Name"] = "Manama",
            ["Catalog:TicketTypes:manama:UnitPrice"] = "12.500",
            ["Catalog:TicketTypes:manama:Currency"] = "BHD",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var answers = new AnswerRecorder();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureServices(services => services.AddSingleton<IStartupFilter>(answers));
            // Development: the one environment that accepts the stand-ins this host runs on (Azurite, the emulator,
            // the dev token key). Its appsettings.Development.json applies beneath the settings above, as in run.sh.
            web.UseEnvironment("Development");
            if (clock is not null)
            {
                web.ConfigureServices(services => services.AddSingleton(clock));
            }

            if (recordingBus is not null)
            {
                web.ConfigureTestServices(services => services.AddSingleton<ServiceBusClient>(recordingBus));
            }

            if (services is not null)
            {
                web.ConfigureServices(services);
            }

            // UseSetting, not ConfigureAppConfiguration: Program reads some settings (the transport) before Build().
            foreach (var (key, value) in config)
            {
                web.UseSetting(key, value);
            }
        });
        factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, appPort));
        factory.ClientOptions.BaseAddress = new Uri($"http://127.0.0.1:{appPort}");
        HostStarts.Count(nameof(PaymentAppHost));
        HostBuilds.OneAtATime(factory.StartServer);
        return new PaymentAppHost(factory, emulator, recordingBus, tablePrefix, answers);
    }

    public HttpClient ClientFor(string userId, params string[] roles)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(userId, roles: roles));
        return client;
    }

    /// Every answer these clients get is held to docs/openapi.json (OpenApiCheckingHandler).
    private HttpClient NewClient() => _factory.CreateDefaultClient(_factory.ClientOptions.BaseAddress, new OpenApiCheckingHandler());

    /// A plain HttpClient talking to the emulator with the test key, as a browser + Stripe.js would confirm.
    public HttpClient StripeClientForTests()
    {
        var client = new HttpClient { BaseAddress = EmulatorUri };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StripeKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await Emulator.StopAsync();
        await Emulator.DisposeAsync();
    }
}
