using System.Text.Json.Nodes;
using StripeEmulator.Api;

namespace StripeEmulator.Events;

/// The filters of GET /v1/events as Stripe's API reference (spec3) has them: created (exact or gt/gte/lt/lte),
/// type (one name, * as a wildcard) or types (up to 20 names, not both), delivery_success. Anything else, Stripe
/// answers "Received unknown parameter".
internal sealed class EventFilter
{
    public const int MaxTypes = 20;
    private static readonly string[] CreatedOperators = ["gt", "gte", "lt", "lte"];
    private static readonly string[] Known = ["created", "delivery_success", "ending_before", "expand", "limit", "starting_after", "type", "types"];

    private readonly Func<long, bool> _created;
    private readonly List<string> _types;
    private readonly bool? _deliverySuccess;

    private EventFilter(Func<long, bool> created, List<string> types, bool? deliverySuccess) =>
        (_created, _types, _deliverySuccess) = (created, types, deliverySuccess);

    public static ApiResult? TryParse(StripeForm query, out EventFilter filter)
    {
        filter = null!;
        if (query.Keys.FirstOrDefault(k => !IsKnown(k)) is { } unknown)
        {
            return StripeErrors.Invalid(unknown.Split('[')[0], $"Received unknown parameter: {unknown}", "parameter_unknown");
        }

        var types = query.Array("types");
        if (types.Count > MaxTypes)
        {
            return StripeErrors.Invalid("types", $"Invalid array: types must have at most {MaxTypes} elements, got {types.Count}.");
        }

        if (query["type"] is { } type)
        {
            if (types.Count > 0)
            {
                return StripeErrors.Invalid("types", "You may only specify one of these parameters: type, types.");
            }

            types.Add(type);
        }

        if (Created(query) is not { } created)
        {
            return StripeErrors.Invalid("created", "Invalid timestamp filter: use created=<unix> or created[gt|gte|lt|lte]=<unix>.", "parameter_invalid_integer");
        }

        if (query["delivery_success"] is { } delivery && delivery is not ("true" or "false"))
        {
            return StripeErrors.Invalid("delivery_success", $"Invalid boolean: {delivery}");
        }

        filter = new EventFilter(created, types, query.GetBool("delivery_success"));
        return null;
    }

    public bool Matches(JsonObject stripeEvent) =>
        _created(stripeEvent["created"]!.GetValue<long>())
        && MatchesType(stripeEvent["type"]!.GetValue<string>())
        && (_deliverySuccess is not { } delivered || delivered == (stripeEvent["pending_webhooks"]!.GetValue<int>() == 0));

    // Stripe's type filter accepts a trailing wildcard, e.g. payment_intent.*.
    private bool MatchesType(string type) =>
        _types.Count == 0 || _types.Any(t => t.EndsWith('*') ? type.StartsWith(t[..^1], StringComparison.Ordinal) : t == type);

    private static bool IsKnown(string key)
    {
        var name = key.Split('[')[0];
        return Known.Contains(name, StringComparer.Ordinal) && (name != "created" || key == name || CreatedOperators.Any(op => key == $"created[{op}]"));
    }

    private static Func<long, bool>? Created(StripeForm query)
    {
        Func<long, bool> filter = _ => true;
        if (query["created"] is { } exact)
        {
            if (!long.TryParse(exact, out var at))
            {
                return null;
            }

            filter = c => c == at;
        }

        foreach (var op in CreatedOperators)
        {
            if (query[$"created[{op}]"] is not { } raw)
            {
                continue;
            }

            if (!long.TryParse(raw, out var bound))
            {
                return null;
            }

            var previous = filter;
            filter = op switch
            {
                "gt" => c => previous(c) && c > bound,
                "gte" => c => previous(c) && c >= bound,
                "lt" => c => previous(c) && c < bound,
                _ => c => previous(c) && c <= bound,
            };
        }

        return filter;
    }
}
