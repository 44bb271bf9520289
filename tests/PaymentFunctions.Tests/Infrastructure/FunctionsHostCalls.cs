using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Tests.Infrastructure;

/// Calls the app the way the Azure Functions host calls a custom handler for a non-HTTP trigger.
public static class FunctionsHostCalls
{
    public static Task<HttpResponseMessage> DeliverAsync(HttpClient client, OutboxMessage message, int deliveryCount = 1, bool bodyAsJsonValue = false) =>
        DeliverRawAsync(client, message.Body, message.MessageId, deliveryCount, bodyAsJsonValue);

    public static Task<HttpResponseMessage> DeliverRawAsync(HttpClient client, string body, string messageId, int deliveryCount = 1, bool bodyAsJsonValue = false)
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = bodyAsJsonValue ? JsonNode.Parse(body) : JsonValue.Create(body) },
            ["Metadata"] = new JsonObject
            {
                ["MessageId"] = messageId,
                ["DeliveryCount"] = deliveryCount,
                ["ContentType"] = CloudEventEnvelope.ContentType,
                ["EnqueuedTimeUtc"] = DateTime.UtcNow.ToString("O"),
                ["UserProperties"] = new JsonObject { ["type"] = "x" },
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
}
