using System.Net;
using PaymentFunctions.Tests.Infrastructure;
using PaymentFunctions.Tests.Payments;
using static PaymentFunctions.Tests.Payments.SpaCalls;

namespace PaymentFunctions.Tests.Bookings;

[Collection(AppHostGroup.Name)]
public sealed class BookingApiTests(InProcessAppHost fixture)
{
    private readonly PaymentAppHost _host = fixture.Host;

    [Theory]
    [InlineData("standard", 2, 5000, "EUR")]
    [InlineData("tokyo", 3, 15000, "JPY")]
    [InlineData("manama", 2, 25000, "BHD")]
    public async Task CreatingABookingChargesTheCataloguePriceInMinorUnits(string ticketType, int quantity, long expectedAmount, string currency)
    {
        using var alice = _host.ClientFor("alice");

        var created = await CreateBookingAsync(alice, ticketType, quantity);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Text("id");
        Assert.Matches("^bk_[0-9a-hjkmnp-tv-z]{26}$", id);
        Assert.Equal($"/api/bookings/{id}", created.Response.Headers.Location?.OriginalString);
        var read = await GetAsync(alice, $"/api/bookings/{id}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("PENDING", read.Text("status"));
        Assert.Equal(expectedAmount, read.Number("amount"));
        Assert.Equal(currency, read.Text("currency"));
        Assert.Equal(quantity, read.Json.GetProperty("quantity").GetInt32());
        var history = Assert.Single(read.Json.GetProperty("history").EnumerateArray());
        Assert.Equal("PENDING", history.GetProperty("to").GetString());
        Assert.Equal("booking.created", history.GetProperty("cause").GetString());
        var createdAt = read.Json.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromMinutes(30), read.Json.GetProperty("holdExpiresAt").GetDateTimeOffset() - createdAt);
    }

    [Fact]
    public async Task AnotherUsersBookingAnswersLikeAMissingOne()
    {
        using var alice = _host.ClientFor("alice");
        using var mallory = _host.ClientFor("mallory");
        var id = await NewBookingIdAsync(alice);

        var foreign = await GetAsync(mallory, $"/api/bookings/{id}");
        var missing = await GetAsync(mallory, "/api/bookings/bk_00000000000000000000000000");
        var garbage = await GetAsync(mallory, "/api/bookings/not'an-id");

        foreign.AssertProblem(HttpStatusCode.NotFound);
        missing.AssertProblem(HttpStatusCode.NotFound);
        garbage.AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(missing.Json.GetProperty("detail").GetString(), foreign.Json.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"ticketTypeId":"standard","quantity":""", "quantity")]
    [InlineData("{not json", "body")]
    [InlineData("""{"quantity":1}""", "ticketTypeId")]
    [InlineData("""{"ticketTypeId":"standard"}""", "quantity")]
    [InlineData("""{"ticketTypeId":"gold","quantity":1}""", "ticketTypeId")]
    [InlineData("""{"ticketTypeId":"standard","quantity":0}""", "quantity")]
    [InlineData("""{"ticketTypeId":"standard","quantity":11}""", "quantity")]
    [InlineData("""{"ticketTypeId":"standard","quantity":"two"}""", "quantity")]
    [InlineData("""{"ticketTypeId":"standard","quantity":1.5}""", "quantity")]
    [InlineData("""{"ticketTypeId":"standard","quantity":"2"}""", "quantity")]
    [InlineData("null", "body")]
    public async Task ABadBookingRequestIsAValidationProblemNamingTheFieldAndStoresNothing(string json, string field)
    {
        using var alice = _host.ClientFor("alice");
        await _host.Tables.EnsureCreatedAsync(default);
        var rowsBefore = await CountRowsAsync(_host.Tables.Bookings);

        var answer = await PostAsync(alice, "/api/bookings", json);

        answer.AssertProblem(HttpStatusCode.BadRequest);
        var errors = answer.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name '{field}': {answer.Body}");
        Assert.Equal(rowsBefore, await CountRowsAsync(_host.Tables.Bookings));
    }

    [Fact]
    public async Task ABookingRequestThatIsNotJsonIsRefusedWith415()
    {
        using var alice = _host.ClientFor("alice");

        var answer = await PostAsync(alice, "/api/bookings", "ticketTypeId=standard&quantity=1", contentType: "application/x-www-form-urlencoded");

        answer.AssertProblem(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task ADoubleClickedBookWithOneIdempotencyKeyCreatesOneBooking()
    {
        using var alice = _host.ClientFor("alice");
        await _host.Tables.EnsureCreatedAsync(default);
        var rowsBefore = await CountRowsAsync(_host.Tables.Bookings);

        var clicks = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => CreateBookingAsync(alice, "standard", 1, "book-click-1")));
        var settled = await CreateBookingAsync(alice, "standard", 1, "book-click-1");

        Assert.Contains(clicks, c => c.Status == HttpStatusCode.Created && !c.Replayed);
        Assert.All(clicks, c => Assert.True(c.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, c.Body));
        Assert.Equal(HttpStatusCode.Created, settled.Status);
        Assert.True(settled.Replayed);
        Assert.Equal(clicks.First(c => c.Status == HttpStatusCode.Created).Text("id"), settled.Text("id"));
        Assert.Equal(rowsBefore + 2, await CountRowsAsync(_host.Tables.Bookings)); // one booking row + its history row
    }
}
