using Azure.Core;

namespace PaymentFunctions.Clients.ServiceBus;

/// <summary>Options for <see cref="ServiceBusSender"/>: Azure.Core retry, transport and diagnostics plus the Service Bus limits.</summary>
public sealed class ServiceBusSenderOptions : ClientOptions
{
    /// <summary>
    /// The clock used for SAS tokens the sender creates from a connection string. A <see cref="ServiceBusSasCredential"/>
    /// passed in directly uses its own clock.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The largest REST batch body in bytes; larger batches are split. 256 KiB is the Standard tier's limit.</summary>
    public int MaxBatchBytes { get; set; } = 256 * 1024;

    /// <summary>How long each SAS token is valid; tokens are renewed shortly before they expire.</summary>
    public TimeSpan SasTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
