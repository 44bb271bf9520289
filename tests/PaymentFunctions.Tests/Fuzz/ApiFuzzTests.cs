using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using CsCheck;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using Xunit.Abstractions;

namespace PaymentFunctions.Tests.Fuzz;

/// Generated hostile calls of the SPA's API - mutated bodies, wrong types, overflowing quantities, unicode, hostile
/// ids in bodies and paths, Idempotency-Key variants, hostile tokens - each by its own user: never a 5xx, every
/// 4xx a problem, a refused call stores nothing (no idempotency row, its bookings untouched), and after the run
/// every row and every PaymentIntent at Stripe is explained by a call that was accepted.
[Collection(AppHostGroup.Name)]
public sealed class ApiFuzzTests(ITestOutputHelper output)
{
    private const string OwnBooking = "@@own-booking@@";
    private const string OtherBooking = "@@other-booking@@";

    public enum Endpoint
    {
        CreateBooking,
        CreateIntent,
        GetBooking,
        GetPayment,
    }

    private static readonly JsonObject BookingBody = new() { ["ticketTypeId"] = "standard", ["quantity"] = 2 };
    private static readonly JsonObject IntentBody = new() { ["bookingId"] = OwnBooking };

    [Fact]
    public async Task HostileApiCallsAreNeverA5xxAndARefusedOneStoresNothing()
    {
        var (host, logs) = await FuzzHost.StartAsync();
        await using var _ = host;
        var accepted = new ConcurrentDictionary<string, Endpoint>(); // user -> the call of theirs that was accepted
        var callers = new ConcurrentDictionary<string, Endpoint>();

        var gen = Gen.Select(Gen.Enum<Endpoint>(), Gen.Int[0, 99], Gen.Int[0, 99], (endpoint, tokenDice, keyDice) => (endpoint, tokenDice, keyDice))
            .SelectMany(c => Gen.Select(
                c.endpoint switch
                {
                    Endpoint.CreateBooking => JsonMutation.Of(BookingBody, [["ticketTypeId"], ["quantity"], ["extra"]], ValueFor).Array[0, 3],
                    Endpoint.CreateIntent => JsonMutation.Of(IntentBody, [["bookingId"], ["extra"]], ValueFor).Array[0, 3],
                    _ => Gen.Const(Array.Empty<JsonMutation>()),
                },
                BodyEdit.Any,
                Gen.OneOf<string?>("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16", null),
                PathId,
                c.keyDice < 50 ? NoKey : IdempotencyKey,
                c.tokenDice < 85 ? ValidToken : HostileTokens.Any.Select(t => (HostileTokens.Token?)t),
                (mutations, edit, contentType, pathId, key, token) => new ApiCase(c.endpoint, mutations, edit, contentType, pathId, key, token)));

        var started = DateTime.UtcNow;
        var count = await FuzzHost.SampleAsync(gen, input => RunAsync(host, input, accepted, callers), FuzzHost.Iterations(1500), output, logs);

        output.WriteLine($"{count} generated API calls in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {accepted.Count} accepted ({string.Join(", ", accepted.Values.GroupBy(v => v).Select(g => $"{g.Key} {g.Count()}"))})");
        await AssertEveryRowIsExplainedAsync(host, accepted, callers);
        FuzzAnswers.AssertNoSecretIn(logs.Lines);
    }

    private static async Task RunAsync(PaymentAppHost host, ApiCase input, ConcurrentDictionary<string, Endpoint> accepted, ConcurrentDictionary<string, Endpoint> callers)
    {
        var caller = "fz-" + Guid.NewGuid().ToString("N")[..16];
        var (jwt, named) = input.Token is { } token ? token.Mint(caller) : (TestTokens.For(caller), caller);
        // A token naming no user: what it stores is then explained by no caller. IdentityModel reads a lone
        // surrogate escape in the sub as U+FFFD, as a UTF-8 round trip does.
        var user = named is null ? caller : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(named));
        callers[user] = input.Endpoint;
        // No own booking for a user id too long to store (the app refuses such a token anyway).
        var own = input.Endpoint == Endpoint.CreateBooking || user.Length > 1024 ? null : (await TestBookings.SeedAsync(host, userId: user)).Id;
        // Another user's booking, named after the caller's short random id (the hostile user id may be too long to store).
        var other = (await TestBookings.SeedAsync(host, userId: "fz-other-" + caller)).Id;
        string Fill(string text) => text.Replace(OwnBooking, own ?? "bk_zzzzzzzzzzzzzzzzzzzzzzzzzz", StringComparison.Ordinal).Replace(OtherBooking, other, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(
            input.Endpoint is Endpoint.CreateBooking or Endpoint.CreateIntent ? HttpMethod.Post : HttpMethod.Get,
            new Uri(input.Endpoint switch
            {
                Endpoint.CreateBooking => "/api/bookings",
                Endpoint.CreateIntent => "/api/payments/intents",
                Endpoint.GetBooking => "/api/bookings/" + Fill(input.PathId),
                _ => "/api/payments/" + Fill(input.PathId),
            }, UriKind.Relative));
        if (request.Method == HttpMethod.Post)
        {
            var json = Fill(JsonMutation.Apply(input.Endpoint == Endpoint.CreateBooking ? BookingBody : IntentBody, input.Mutations));
            request.Content = new ByteArrayContent(input.Edit.Apply(Encoding.UTF8.GetBytes(json)));
            request.Content.Headers.ContentType = input.ContentType is null ? null : MediaTypeHeaderValue.Parse(input.ContentType);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        if (input.IdempotencyKey is { } key)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeys, key.Split('\n'));
        }

        var described = $"{input} as {HostileValues.Literal(user)}";
        var kestrelRefuses = request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal)
            || request.Headers.Authorization.Parameter!.Length > 32 * 1024;
        var (status, _) = await FuzzAnswers.CheckAsync(await host.Client.SendAsync(request), described, kestrelRefuses);
        if (status is >= 200 and < 300)
        {
            accepted[user] = input.Endpoint;
            return;
        }

        await AssertNothingStoredAsync(host, user, own, other, $"{status} for {described}");
    }

    private const string IdempotencyKeys = "Idempotency-Key";

    private static async Task AssertNothingStoredAsync(PaymentAppHost host, string user, string? own, string other, string what)
    {
        if (await SpaCalls.CountRowsAsync(host.Tables.Idempotency, KeyFilters.InPartition(RowKeys.IdempotencyPartition(user))) > 0)
        {
            throw new InvalidOperationException($"A refused call stored an idempotency row: {what}");
        }

        foreach (var id in new[] { own, other }.OfType<string>())
        {
            var rows = await TestBookings.RowsAsync(host, id, "");
            if (rows.Count != 1 || rows[0].RowKey != RowKeys.Booking || rows[0].GetString("PaymentIntentId") is not null)
            {
                throw new InvalidOperationException($"A refused call changed booking {id} ({string.Join(", ", rows.Select(r => r.RowKey))}): {what}");
            }
        }
    }

    /// After the run: every row belongs to a booking of a caller; idempotency rows and PaymentIntents only of
    /// accepted callers; Lookups only holds and intent indexes of existing bookings.
    private static async Task AssertEveryRowIsExplainedAsync(PaymentAppHost host, ConcurrentDictionary<string, Endpoint> accepted, ConcurrentDictionary<string, Endpoint> callers)
    {
        var bookings = new Dictionary<string, string>();
        await foreach (var row in host.Tables.Bookings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKeys.Booking}")))
        {
            bookings[row.PartitionKey] = row.GetString("UserId");
        }

        await foreach (var row in host.Tables.Bookings.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            Assert.True(bookings.ContainsKey(row.PartitionKey), $"Bookings row {row.PartitionKey} / {row.RowKey} belongs to no booking");
        }

        // A caller's own bookings: the one seeded for them, or the one their accepted create made.
        foreach (var (user, count) in bookings.Values.Where(u => !u.StartsWith("fz-other-", StringComparison.Ordinal)).GroupBy(u => u).Select(g => (g.Key, g.Count())))
        {
            var expected = callers.TryGetValue(user, out var call) && (call != Endpoint.CreateBooking || accepted.ContainsKey(user)) ? 1 : 0;
            Assert.True(count == expected, $"{count} booking(s) of {user} ({call}, {(accepted.ContainsKey(user) ? "accepted" : "refused")})");
        }

        await foreach (var row in host.Tables.Idempotency.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            Assert.True(accepted.Keys.Any(u => RowKeys.IdempotencyPartition(u) == row.PartitionKey), $"Idempotency row {row.PartitionKey} / {row.RowKey} of a caller refused");
        }

        // Stripe's side once, at the end (the emulator copies every intent per read): an intent only for a booking
        // whose owner's call to create it was accepted.
        foreach (var intent in host.EmulatorState.PaymentIntents)
        {
            var booking = intent["metadata"]?["bookingId"]?.GetValue<string>();
            Assert.True(booking is not null && bookings.TryGetValue(booking, out var owner) && accepted.TryGetValue(owner, out var call) && call == Endpoint.CreateIntent, $"PaymentIntent {intent["id"]} at Stripe for {booking}, whose owner's call was refused");
        }

        await foreach (var row in host.Tables.Lookups.QueryAsync<TableEntity>())
        {
            // A user's Stripe customer (both directions of the mapping): made by that user's first accepted intent.
            var customerOf = row.RowKey == RowKeys.UserOfCustomerRow ? row.GetString("UserId")
                : row.RowKey == RowKeys.CustomerOfUserRow ? accepted.Keys.FirstOrDefault(u => RowKeys.UserCustomerPartition(u) == row.PartitionKey)
                : null;
            if (row.RowKey is RowKeys.UserOfCustomerRow or RowKeys.CustomerOfUserRow)
            {
                Assert.True(customerOf is not null && accepted.TryGetValue(customerOf, out var made) && made == Endpoint.CreateIntent, $"Lookups row {row.PartitionKey} / {row.RowKey}: a Stripe customer of a caller whose intent was refused");
                continue;
            }

            if (row.PartitionKey.StartsWith(RowKeys.RetentionPrefix, StringComparison.Ordinal))
            {
                // A retention entry is written before the key's claim, so a call refused after its claim (the key then
                // released) leaves one too: it points at the caller's keys, and the retention timer drops it when due.
                var target = row.GetString("Partition");
                Assert.True(callers.Keys.Any(u => RowKeys.IdempotencyPartition(u) == target) || (target is not null && bookings.ContainsKey(target)), $"Lookups row {row.PartitionKey} / {row.RowKey} names no caller and no booking");
                continue;
            }

            var booking = row.PartitionKey.StartsWith(RowKeys.HoldPrefix, StringComparison.Ordinal) ? row.RowKey : row.GetString("BookingId");
            Assert.True(booking is not null && bookings.ContainsKey(booking), $"Lookups row {row.PartitionKey} / {row.RowKey} names no booking");
        }
    }

    private static Gen<string> ValueFor(string[] path) => path[^1] switch
    {
        "ticketTypeId" => Gen.Frequency((2, Gen.OneOf<string>("standard", "vip", "tokyo", "manama", "STANDARD", "standard ", "").Select(HostileValues.Literal)), (3, HostileValues.AnyFor(""))),
        "quantity" => Gen.Frequency((2, Gen.OneOf<string>("1", "10", "11", "0", "-1", "2147483647", "2147483648", "-2147483648", "1.0", "2e0", "1e1")), (3, HostileValues.WrongType)),
        "bookingId" => Gen.Frequency((2, Gen.OneOf<string>(OwnBooking, OtherBooking, "bk_zzzzzzzzzzzzzzzzzzzzzzzzzz", OwnBooking.ToUpperInvariant()).Select(HostileValues.Literal)), (3, HostileValues.AnyFor("bk_"))),
        _ => HostileValues.AnyFor(""),
    };

    /// Ids in the path: own, someone else's, unknown, and hostile text percent-encoded (raw bytes for what UTF-8
    /// cannot hold: a lone surrogate, an invalid byte).
    private static readonly Gen<string> PathId = Gen.Frequency(
        (3, Gen.OneOf<string>(OwnBooking, OtherBooking, "bk_zzzzzzzzzzzzzzzzzzzzzzzzzz")),
        (1, Gen.OneOf<string>("%00", "a%00b", "%ED%A0%80", "%FF", "%2F", "..%2F..", "%252F", "%5C", "%23", "%3F", "%0A", "bk_%00" + new string('0', 23), new string('a', 3000), "%20", "~", "@", "%u0041")),
        (3, HostileValues.Text.Where(t => t.Length is > 0 and < 4000 && !t.Any(char.IsSurrogate)).Select(Uri.EscapeDataString)));

    private static readonly Gen<string?> NoKey = Gen.Int[0, 0].Select(_ => (string?)null);
    private static readonly Gen<HostileTokens.Token?> ValidToken = Gen.Int[0, 0].Select(_ => (HostileTokens.Token?)null);

    private static readonly Gen<string?> IdempotencyKey = Gen.Frequency(
        (3, Gen.OneOf<string?>("k-1", "\"k-1\"")), // keys are scoped per user, and every input has its own
        (1, Gen.OneOf<string?>("", " ", "\"", "\"unterminated", "\"a\\x\"", "a,b", "a b", "\"a\"\n\"b\"", "k\nk2", new string('k', 256), "\"" + new string('k', 255) + "\"", "\t", "\u007f", "(){}[]")));

    public sealed record ApiCase(Endpoint Endpoint, JsonMutation[] Mutations, BodyEdit Edit, string? ContentType, string PathId, string? IdempotencyKey, HostileTokens.Token? Token)
    {
        public override string ToString() =>
            $"{Endpoint} [{string.Join("; ", Mutations.AsEnumerable())}], {Edit.Name}, content type {ContentType ?? "none"}, path id {FuzzAnswers.Shorten(PathId)}, Idempotency-Key {IdempotencyKey ?? "none"}, token {Token?.ToString() ?? "valid"}";
    }
}
