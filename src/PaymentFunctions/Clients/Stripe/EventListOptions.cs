namespace PaymentFunctions.Clients.Stripe;

/// <summary>Filters and paging for <c>GET /v1/events</c>.</summary>
public sealed record EventListOptions
{
    /// <summary>Only events created at or after this instant (<c>created[gte]</c>, whole seconds).</summary>
    public DateTimeOffset? CreatedGte { get; init; }

    /// <summary>Paging cursor: the id of the last event of the previous page.</summary>
    public string? StartingAfter { get; init; }

    /// <summary>Paging cursor backwards: the id of the first event of the next page.</summary>
    public string? EndingBefore { get; init; }

    /// <summary>Page size, 1 to 100.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Event types to return (<c>types[]</c>, at most 20); null for all.</summary>
    public IReadOnlyList<string>? Types { get; init; }
}
