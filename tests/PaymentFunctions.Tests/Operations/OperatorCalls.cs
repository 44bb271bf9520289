using System.Text.Json;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Operations;

/// The calls an operator makes (docs/operations.md), and what a test reads back from them.
public static class OperatorCalls
{
    public static Task<Answer> ReplayAsync(HttpClient staff, string eventId, string? idempotencyKey = null) =>
        PostAsync(staff, $"/api/admin/stripe-events/{eventId}/replay", "", idempotencyKey ?? NewKey());

    public static Task<Answer> RequeueAsync(HttpClient staff, string messageId, string? idempotencyKey = null, long? sequenceNumber = null) =>
        PostAsync(staff, $"/api/admin/dead-letters/{Uri.EscapeDataString(messageId)}/requeue" + (sequenceNumber is { } n ? $"?sequenceNumber={n}" : ""), "", idempotencyKey ?? NewKey());

    public static string NewKey() => $"op-{Guid.NewGuid():N}";

    /// Every item of a list, page by page (each page one call), and how many pages it took.
    public static async Task<(List<JsonElement> Items, int Pages)> AllPagesAsync(HttpClient staff, string path, int pageSize = 200)
    {
        var items = new List<JsonElement>();
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetAsync(staff, $"{path}{separator}pageSize={pageSize}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.True(page.Status == System.Net.HttpStatusCode.OK, page.Body);
            items.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(i => i.Clone()));
            cursor = page.Json.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null);

        return (items, pages);
    }

    /// A booking's audit trail as (action, phase, outcome), oldest first.
    public static async Task<List<(string Action, string Phase, string? Outcome)>> AuditAsync(HttpClient staff, string bookingId) =>
        [.. (await AllPagesAsync(staff, $"/api/admin/bookings/{bookingId}/audit")).Items.Select(Row)];

    public static (string Action, string Phase, string? Outcome) Row(JsonElement entry) =>
        (entry.GetProperty("action").GetString()!, entry.GetProperty("phase").GetString()!, entry.GetProperty("outcome").GetString());
}
