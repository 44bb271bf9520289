using System.Text.Json.Nodes;

namespace StripeEmulator.Api;

/// Stripe's list envelope for the simple lists (newest first, limit 1-100, default 10; no cursors yet).
internal static class StripeLists
{
    public static ApiResult Page(StripeForm query, string url, IEnumerable<JsonObject> newestFirst)
    {
        if (!query.TryGetLong("limit", out var limit, out var invalid))
        {
            return invalid!;
        }

        if (limit is < 1 or > 100)
        {
            return StripeErrors.Invalid("limit", limit < 1 ? "This value must be greater than or equal to 1." : "This value must be less than or equal to 100.", "parameter_invalid_integer");
        }

        var all = newestFirst.ToList();
        var page = all.Take((int)(limit ?? 10)).ToList();
        return ApiResult.Ok(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. page.Select(o => o.DeepClone())]),
            ["has_more"] = all.Count > page.Count,
            ["url"] = url,
        });
    }
}
