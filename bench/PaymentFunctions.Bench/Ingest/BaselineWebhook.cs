using Azure.Data.Tables;
using Stripe;

namespace PaymentFunctions.Bench.Ingest;

/// The plain implementation the app is measured against, on the same official SDKs: verify and parse with
/// Stripe.net's EventUtility, one 3-action transaction in the booking's partition (inbox, payment row, outbox
/// row), one delete of the outbox row. No resolution, no existence check, no publish, no consumer.
internal static class BaselineWebhook
{
    public static void Map(WebApplication app, TableClient table, string secret) =>
        app.MapPost("/api/webhooks/stripe", async (HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(ct);
            Event stripeEvent;
            try
            {
                stripeEvent = EventUtility.ConstructEvent(json, request.Headers["Stripe-Signature"], secret, 300);
            }
            catch (StripeException ex)
            {
                return Results.Problem(statusCode: 400, title: "Invalid Stripe signature", detail: ex.Message);
            }

            var intent = (PaymentIntent)stripeEvent.Data.Object;
            var bookingId = intent.Metadata["bookingId"];
            var outbox = new TableEntity(bookingId, "outbox|" + stripeEvent.Id) { ["Body"] = json.Length > 30000 ? json[..30000] : json };
            try
            {
                await table.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.Add, new TableEntity(bookingId, "inbox|" + stripeEvent.Id) { ["Type"] = stripeEvent.Type }),
                        new(TableTransactionActionType.UpsertMerge, new TableEntity(bookingId, "payment") { ["Status"] = intent.Status, ["Amount"] = intent.Amount }),
                        new(TableTransactionActionType.Add, outbox),
                    ],
                    ct);
            }
            catch (TableTransactionFailedException ex) when (ex is { FailedTransactionActionIndex: 0, Status: 409 })
            {
                return Results.Ok(new { received = true, outcome = "duplicate" });
            }

            await table.DeleteEntityAsync(bookingId, outbox.RowKey, cancellationToken: ct);
            return Results.Ok(new { received = true, outcome = "stored" });
        });
}
