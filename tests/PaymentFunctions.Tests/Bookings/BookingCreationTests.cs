using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PaymentFunctions.Bookings;
using PaymentFunctions.Bookings.Domain;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Bookings;

public sealed class BookingCreationTests
{
    [Fact]
    public async Task ABookingWhoseBatchCommittedButWhoseAnswerWasLostIsReportedCreatedOnce()
    {
        var azurite = await AzuriteServer.Shared;
        var lostAnswers = LoseFirstAnswer.Options(r => r.Uri.Path.EndsWith("$batch", StringComparison.Ordinal));
        var tables = new PaymentTables(new TableServiceClient(azurite.ConnectionString, lostAnswers), Options.Create(new StorageOptions { TablePrefix = "lost" + Guid.NewGuid().ToString("N")[..10] }));
        var catalog = new Catalog(Options.Create(new CatalogOptions { TicketTypes = { ["standard"] = new() { Name = "S", UnitPrice = 25m, Currency = "EUR" } } }));
        var options = Options.Create(new BookingOptions());
        var bookings = new BookingService(tables, catalog, new BookingIds(), new OpenBookingLimit(tables, options), new AuditTrail(tables, TimeProvider.System, NullLogger<AuditTrail>.Instance), options, TimeProvider.System, NullLogger<BookingService>.Instance);

        var result = await bookings.CreateAsync("user-1", new CreateBookingRequest("standard", 1), CancellationToken.None);

        Assert.Equal(BookingCreateOutcome.Created, result.Outcome);
        var stored = new List<TableEntity>();
        await foreach (var row in tables.Bookings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {RowKeys.Booking}")))
        {
            stored.Add(row);
        }

        Assert.Equal(result.Booking!.Id, Assert.Single(stored).PartitionKey);
    }
}
