using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Payments;

/// The calls the SPA makes, and what a test reads back.
public static class SpaCalls
{
    public static async Task<Answer> CreateBookingAsync(HttpClient client, string ticketTypeId = "standard", int quantity = 1, string? idempotencyKey = null) =>
        await PostAsync(client, "/api/bookings", $$"""{"ticketTypeId":"{{ticketTypeId}}","quantity":{{quantity}}}""", idempotencyKey);

    public static async Task<string> NewBookingIdAsync(HttpClient client, string ticketTypeId = "standard", int quantity = 1)
    {
        var created = await CreateBookingAsync(client, ticketTypeId, quantity);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return created.Text("id");
    }

    public static Task<Answer> CreateIntentAsync(HttpClient client, string bookingId, string? idempotencyKey = null) =>
        PostAsync(client, "/api/payments/intents", $$"""{"bookingId":"{{bookingId}}"}""", idempotencyKey);

    /// POST /api/payments/checkout-sessions; returnPath null leaves it out of the body.
    public static Task<Answer> CreateCheckoutSessionAsync(HttpClient client, string bookingId, string? returnPath = null, string? idempotencyKey = null) =>
        PostAsync(client, "/api/payments/checkout-sessions", returnPath is null ? $$"""{"bookingId":"{{bookingId}}"}""" : $$"""{"bookingId":"{{bookingId}}","returnPath":"{{returnPath}}"}""", idempotencyKey);

    public static async Task<Answer> PostAsync(HttpClient client, string path, string json, string? idempotencyKey = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, contentType) };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await Answer.ReadAsync(await client.SendAsync(request));
    }

    public static async Task<Answer> GetAsync(HttpClient client, string path) => await Answer.ReadAsync(await client.GetAsync(path));

    public static async Task<int> CountRowsAsync(TableClient table, string? filter = null)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"]))
        {
            count++;
        }

        return count;
    }

    /// A user of this test alone ("alice-1f3a9c0e"): customers, saved cards and idempotency keys are per user, and a
    /// shared host keeps every test's.
    public static string NewUser(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..8]}";

    /// The idempotency keys one user has stored.
    public static Task<int> IdempotencyRowsAsync(PaymentAppHost host, string userId) =>
        CountRowsAsync(host.Tables.Idempotency, PaymentFunctions.Storage.KeyFilters.InPartition(PaymentFunctions.Storage.RowKeys.IdempotencyPartition(userId)));

    /// Arms a fault at the Stripe emulator (POST /_emulator/faults).
    public static async Task ArmStripeFaultAsync(PaymentAppHost host, object rule)
    {
        using var emulator = new HttpClient { BaseAddress = host.EmulatorUri };
        (await emulator.PostAsJsonAsync("/_emulator/faults", rule)).EnsureSuccessStatusCode();
    }

    public static async Task ClearStripeFaultsAsync(PaymentAppHost host)
    {
        using var emulator = new HttpClient { BaseAddress = host.EmulatorUri };
        (await emulator.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();
    }
}

public sealed record Answer(HttpStatusCode Status, string Body, string? MediaType, HttpResponseMessage Response)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public bool Replayed => Response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    public static async Task<Answer> ReadAsync(HttpResponseMessage response) =>
        new(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, response);

    public string Text(string property) => Json.GetProperty(property).GetString()!;

    public long Number(string property) => Json.GetProperty(property).GetInt64();

    public void AssertProblem(HttpStatusCode status)
    {
        Assert.True(status == Status, $"Expected {status}, got {Status}: {Body}");
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal((int)status, Json.GetProperty("status").GetInt32());
    }
}

/// Tests that run the whole app with the emulator, sharing one local-mode host (InProcessAppHost). They run one test
/// at a time, alone: the fault rules they arm (the app's FaultInjection, the emulator's /_emulator/faults) are
/// host-wide, and on the shared 2-core machine the timing-sensitive ones (the in-flight 409, the confirmation poll,
/// 50 concurrent calls) stay deterministic. Each test uses its own users, bookings and idempotency keys.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostGroup : ICollectionFixture<InProcessAppHost>
{
    public const string Name = "app host";
}
