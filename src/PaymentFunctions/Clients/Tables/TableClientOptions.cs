using Azure.Core;

namespace PaymentFunctions.Clients.Tables;

/// <summary>Options for <see cref="TableServiceClient"/>: Azure.Core's retry, transport and diagnostics, plus the REST version.</summary>
public sealed class TableClientOptions : ClientOptions
{
    /// <summary>The Table service REST version sent as x-ms-version.</summary>
    public const string DefaultApiVersion = "2019-02-02";

    /// <summary>The x-ms-version to send; defaults to <see cref="DefaultApiVersion"/>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Clock for the x-ms-date header of Shared Key requests; injectable so signatures are testable.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
