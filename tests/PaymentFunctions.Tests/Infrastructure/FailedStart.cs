using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PaymentFunctions.Tests.Infrastructure;

/// Why the app refuses to start with these settings: the app's one registration (AddPaymentFunctions, what both
/// the Functions-host and the standalone mode run) on a plain host, registered and built on the calling thread,
/// then the start-up validation that Host.StartAsync runs before anything else (IStartupValidator: every
/// ValidateOnStart). Nothing is started, so these checks cost no host start. Not through WebApplicationFactory: with a failing start, Program's own app.Run() fails and disposes
/// the host on the entry-point thread while the factory's DeferredHost.StartAsync still has to ask that host's
/// services for IHostApplicationLifetime - under load it lost that race and the test saw ObjectDisposedException
/// instead of the validation error.
internal static class FailedStart
{
    public static Exception Of(string environment, Dictionary<string, string?> settings)
    {
        IHost? host = null;
        try
        {
            var error = Record.Exception(() =>
            {
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
                {
                    EnvironmentName = environment,
                    ApplicationName = typeof(Program).Assembly.GetName().Name,
                    // Where WebApplicationFactory puts it: the app's appsettings*.json apply as they do when it runs.
                    ContentRootPath = Path.Combine(RepoPaths.Root, "src", "PaymentFunctions"),
                });
                // A null value means the test leaves the setting out (it is not an element of value null).
                builder.Configuration.AddInMemoryCollection(settings.Where(s => s.Value is not null));
                builder.Services.AddPaymentFunctions(builder.Configuration);
                // What both modes' hosts add themselves (WebApplication, ConfigureFunctionsWebApplication); the
                // authorization services need it, and Development validates every registration at Build().
                builder.Services.AddRouting();
                host = builder.Build();
                host.Services.GetRequiredService<IStartupValidator>().Validate();
            });
            return error ?? throw new Xunit.Sdk.XunitException("The app started, but these settings should have stopped it.");
        }
        finally
        {
            host?.Dispose();
        }
    }

    /// The options validation that stopped the start (host start may wrap it in an AggregateException), or a failed
    /// test if something else did.
    public static OptionsValidationException ValidationErrorOf(Exception error)
    {
        for (Exception? e = error; e is not null; e = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e.InnerException)
        {
            if (e is OptionsValidationException validation)
            {
                return validation;
            }
        }

        throw new Xunit.Sdk.XunitException($"Start-up failed without an OptionsValidationException: {error}");
    }

    /// Each failure's own message: ValidateDataAnnotations wraps it as "... members: 'X' with the error: '{message}'.".
    public static IReadOnlyList<string> Messages(OptionsValidationException error) =>
        [.. error.Failures.Select(f => f.IndexOf(DataAnnotationsWrapper, StringComparison.Ordinal) is var at and >= 0 && f.EndsWith("'.", StringComparison.Ordinal)
            ? f[(at + DataAnnotationsWrapper.Length)..^2]
            : f)];

    private const string DataAnnotationsWrapper = " with the error: '";
}
