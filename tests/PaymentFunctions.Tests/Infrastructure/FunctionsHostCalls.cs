using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Tests.Infrastructure;

/// Calls the app the way the Azure Functions host calls a custom handler for a non-HTTP trigger, built by hand
/// from the host's source (ScriptInvocationContextExtensions): a "binary" trigger value travels as base64, and
/// every other non-object value goes through JsonConvert.SerializeObject first - a string becomes "\"text\"",
/// a number "5" - before the whole payload is serialized.
public static class FunctionsHostCalls
{
    public static Task<HttpResponseMessage> DeliverAsync(HttpClient client, OutboxMessage message, int deliveryCount = 1) =>
        DeliverRawAsync(client, message.Body, message.MessageId, deliveryCount);

    public static Task<HttpResponseMessage> DeliverRawAsync(HttpClient client, string body, string messageId, int deliveryCount = 1)
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(body)) },
            ["Metadata"] = new JsonObject
            {
                ["MessageId"] = SerializedTwice(messageId),
                ["DeliveryCount"] = SerializedTwice(deliveryCount),
                ["ContentType"] = SerializedTwice(CloudEventEnvelope.ContentType),
                ["EnqueuedTimeUtc"] = DateTime.UtcNow.ToString("O"),
                ["UserProperties"] = new JsonObject { ["type"] = "bookticket.payments.payment_succeeded.v1" },
                ["sys"] = new JsonObject { ["MethodName"] = "BookingPaymentEvents", ["UtcNow"] = DateTime.UtcNow.ToString("O") },
            },
        };
        return client.PostAsJsonAsync("/BookingPaymentEvents", payload);
    }

    public static Task<HttpResponseMessage> FireTimerAsync(HttpClient client, string functionName) =>
        client.PostAsJsonAsync("/" + functionName, new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = new JsonObject { ["IsPastDue"] = false } },
            ["Metadata"] = new JsonObject(),
        });

    private static string SerializedTwice<T>(T value) => JsonSerializer.Serialize(value);
}
