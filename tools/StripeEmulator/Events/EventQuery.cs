using System.Text.Json.Nodes;
using StripeEmulator.Api;

namespace StripeEmulator.Events;

/// GET /v1/events: newest first (the order events were recorded in, reversed), cursor paging by event id
/// (starting_after pages towards older events, ending_before towards newer ones), filters in <see cref="EventFilter"/>.
internal sealed class EventQuery(EmulatorState state)
{
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

        if (EventFilter.TryParse(query, out var filter) is { } refused)
        {
            return refused;
        }

        var take = (int)(limit ?? 10);
        lock (state.Sync)
        {
            var events = state.EventsUnlocked;
            var cursor = startingAfter ?? endingBefore;
            var cursorIndex = cursor is null ? events.Count : events.FindLastIndex(e => Id(e) == cursor);
            if (cursorIndex < 0)
            {
                return StripeErrors.Invalid(startingAfter is not null ? "starting_after" : "ending_before", $"No such event: '{cursor}'", "resource_missing");
            }

            // Stored oldest first. A page is the `take` matches nearest the cursor on its side; one more match
            // beyond them is all has_more needs, so a page of a long list costs no more than the page.
            var page = new List<JsonObject>(take);
            var hasMore = false;
            var towardsNewer = endingBefore is not null;
            for (var i = towardsNewer ? cursorIndex + 1 : cursorIndex - 1; i >= 0 && i < events.Count; i += towardsNewer ? 1 : -1)
            {
                if (!filter.Matches(events[i]))
                {
                    continue;
                }

                if (page.Count == take)
                {
                    hasMore = true;
                    break;
                }

                page.Add(events[i]);
            }

            // Newest first whichever way the cursor pages.
            if (towardsNewer)
            {
                page.Reverse();
            }

            return ApiResult.Ok(new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. page.Select(e => e.DeepClone())]),
                ["has_more"] = hasMore,
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
}
