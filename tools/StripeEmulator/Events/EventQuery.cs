using System.Text.Json.Nodes;
using StripeEmulator.Api;

namespace StripeEmulator.Events;

/// GET /v1/events: newest first, cursor paging by event id, filters on created and type.
internal sealed class EventQuery(EmulatorState state)
{
    private static readonly string[] CreatedOperators = ["gt", "gte", "lt", "lte"];

    public ApiResult List(StripeForm query)
    {
        if (!query.TryGetLong("limit", out var limit, out var invalid))
        {
            return invalid!;
        }

        if (limit is < 1 or > 100)
        {
            return StripeErrors.Invalid("limit", limit < 1 ? "This value must be greater than or equal to 1." : "This value must be less than or equal to 100.", "parameter_invalid_integer");
        }

        var startingAfter = query["starting_after"];
        var endingBefore = query["ending_before"];
        if (startingAfter is not null && endingBefore is not null)
        {
            return StripeErrors.Invalid("ending_before", "You may only specify one of these parameters: ending_before, starting_after.");
        }

        var types = query.Array("types");
        if (query["type"] is { } type)
        {
            if (types.Count > 0)
            {
                return StripeErrors.Invalid("types", "You may only specify one of these parameters: type, types.");
            }

            types.Add(type);
        }

        if (CreatedFilter(query) is not { } created)
        {
            return StripeErrors.Invalid("created", "Invalid timestamp filter: use created=<unix> or created[gt|gte|lt|lte]=<unix>.", "parameter_invalid_integer");
        }

        lock (state.Sync)
        {
            var newestFirst = Enumerable.Reverse(state.EventsUnlocked).ToList();
            var cursor = startingAfter ?? endingBefore;
            var cursorIndex = cursor is null ? -1 : newestFirst.FindIndex(e => Id(e) == cursor);
            if (cursor is not null && cursorIndex < 0)
            {
                return StripeErrors.Invalid(startingAfter is not null ? "starting_after" : "ending_before", $"No such event: '{cursor}'", "resource_missing");
            }

            IEnumerable<JsonObject> window = startingAfter is not null ? newestFirst.Skip(cursorIndex + 1)
                : endingBefore is not null ? newestFirst.Take(cursorIndex)
                : newestFirst;
            var matching = window.Where(e => created(e["created"]!.GetValue<long>()) && MatchesType(e, types)).ToList();
            var take = (int)(limit ?? 10);

            // ending_before pages towards newer events, so the page is the slice right before the cursor.
            var page = endingBefore is not null ? matching.Skip(Math.Max(0, matching.Count - take)).ToList() : matching.Take(take).ToList();
            return ApiResult.Ok(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. page.Select(e => e.DeepClone())]),
                ["has_more"] = matching.Count > page.Count,
                ["url"] = "/v1/events",
            });
        }
    }

    public ApiResult Retrieve(string id)
    {
        lock (state.Sync)
        {
            var found = state.EventsUnlocked.Find(e => Id(e) == id);
            return found is null ? StripeErrors.NoSuch("event", id) : ApiResult.Ok((JsonObject)found.DeepClone());
        }
    }

    private static string Id(JsonObject stripeEvent) => stripeEvent["id"]!.GetValue<string>();

    // Stripe's type filter accepts a trailing wildcard, e.g. payment_intent.*.
    private static bool MatchesType(JsonObject stripeEvent, List<string> types)
    {
        if (types.Count == 0)
        {
            return true;
        }

        var type = stripeEvent["type"]!.GetValue<string>();
        return types.Any(t => t.EndsWith('*') ? type.StartsWith(t[..^1], StringComparison.Ordinal) : t == type);
    }

    private static Func<long, bool>? CreatedFilter(StripeForm query)
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
