using System.Data.Common;

namespace PaymentFunctions.Hosting;

/// APPLICATIONINSIGHTS_AUTHENTICATION_STRING, the setting the Functions host reads to send its own telemetry with
/// Entra ID: "Authorization=AAD" for the system-assigned identity, "Authorization=AAD;ClientId={id}" for a
/// user-assigned one. The worker's exporter does not read it, so the worker reads the same setting, and both halves of
/// the app authenticate alike to an Application Insights resource that refuses the connection string's key alone.
public sealed record ApplicationInsightsAuthentication(string? ClientId)
{
    public const string Setting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    private static readonly string[] Keys = ["Authorization", "ClientId"];

    /// Null when the setting is absent (the key in the connection string is then all there is).
    public static ApplicationInsightsAuthentication? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // The key=value;... grammar of connection strings, parsed by the framework's own parser (keys ignore case).
        var pairs = new DbConnectionStringBuilder();
        try
        {
            pairs.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            throw Invalid();
        }

        if (!pairs.TryGetValue("Authorization", out var authorization) || !"AAD".Equals(authorization as string, StringComparison.OrdinalIgnoreCase)
            || pairs.Keys.Cast<string>().Any(key => !Keys.Contains(key, StringComparer.OrdinalIgnoreCase)))
        {
            throw Invalid();
        }

        return new ApplicationInsightsAuthentication(pairs.TryGetValue("ClientId", out var clientId) && clientId is string { Length: > 0 } id ? id : null);
    }

    private static InvalidOperationException Invalid() =>
        new($"{Setting} must be Authorization=AAD, optionally followed by ;ClientId={{client id of a user-assigned identity}}.");
}
