namespace PaymentFunctions.Clients.Tables;

/// <summary>Parses the storage connection string forms the app meets (account key, Azurite shortcut).</summary>
internal static class TableConnectionString
{
    // Azurite's documented, public development account: not a secret.
    internal const string DevelopmentAccountName = "devstoreaccount1";
    internal const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static (Uri Endpoint, TableSharedKeyCredential Credential) Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // Never echo the part: it could be the key.
                throw new ArgumentException("The storage connection string has a setting without '='.", nameof(connectionString));
            }

            settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = settings.TryGetValue("DevelopmentStorageProxyUri", out var p) ? p.TrimEnd('/') : "http://127.0.0.1";
            return (new Uri($"{proxy}:10002/{DevelopmentAccountName}"), new TableSharedKeyCredential(DevelopmentAccountName, DevelopmentAccountKey));
        }

        if (!settings.TryGetValue("AccountName", out var account) || account.Length == 0)
        {
            throw new ArgumentException("The storage connection string has no AccountName.", nameof(connectionString));
        }

        if (!settings.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            throw new ArgumentException("The storage connection string has no AccountKey (only Shared Key connection strings are supported).", nameof(connectionString));
        }

        Uri endpoint;
        if (settings.TryGetValue("TableEndpoint", out var tableEndpoint) && tableEndpoint.Length > 0)
        {
            endpoint = new Uri(tableEndpoint.TrimEnd('/'));
        }
        else
        {
            var protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
            var suffix = settings.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
            endpoint = new Uri($"{protocol}://{account}.table.{suffix}");
        }

        return (endpoint, new TableSharedKeyCredential(account, key));
    }
}
