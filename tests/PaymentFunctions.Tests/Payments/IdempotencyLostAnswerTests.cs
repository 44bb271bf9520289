using Azure.Core;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PaymentFunctions.Http;
using PaymentFunctions.Storage;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Payments;

public sealed class IdempotencyLostAnswerTests
{
    [Fact]
    public async Task AClaimWhoseAnswerWasLostIsRecognisedAsOursAndTheRequestRuns()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = "claim" + Guid.NewGuid().ToString("N")[..10];
        var options = LoseFirstAnswer.Options(r =>
            r.Method == RequestMethod.Post && r.Uri.Path.EndsWith(prefix + "IdempotencyKeys", StringComparison.Ordinal));
        var tables = new PaymentTables(new TableServiceClient(azurite.ConnectionString, options), Options.Create(new StorageOptions { TablePrefix = prefix }));
        var keys = new IdempotencyKeys(tables, new RetentionIndex(tables), TimeProvider.System, Options.Create(new IdempotencyOptions()), NullLogger<IdempotencyKeys>.Instance);
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Method = "POST";
        http.Request.Path = "/api/bookings";
        http.Request.Headers[IdempotencyKeys.HeaderName] = "\"lost-claim\"";
        var runs = 0;

        var result = await keys.ExecuteAsync(http, "user-1", "{}"u8.ToArray(), () =>
        {
            runs++;
            return Task.FromResult(TypedResults.Created("/api/bookings/1", new { id = 1 }));
        });

        Assert.Equal(1, runs);
        var answer = Assert.IsType<StoredResponse>(result.Result);
        Assert.Equal(StatusCodes.Status201Created, answer.Status);
        Assert.False(answer.Replayed);
    }
}
