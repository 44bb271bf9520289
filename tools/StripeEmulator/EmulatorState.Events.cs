using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Fixtures;

namespace StripeEmulator;

public sealed partial class EmulatorState
{
    /// Records an event with a snapshot of the object and queues its webhook. Call while holding Sync,
    /// so the event order is the order of the state changes.
    internal JsonObject RecordEvent(string type, JsonObject subject, RequestInfo request)
    {
        var webhooks = _options.WebhookUrl is null ? 0 : 1;
        var stripeEvent = StripeFixtures.Event();
        stripeEvent["id"] = NewId("evt_");
        stripeEvent["api_version"] = _options.ApiVersion;
        stripeEvent["created"] = Now();
        stripeEvent["data"] = new JsonObject { ["object"] = subject.DeepClone() };
        stripeEvent["pending_webhooks"] = webhooks;
        stripeEvent["request"] = new JsonObject { ["id"] = request.RequestId, ["idempotency_key"] = request.IdempotencyKey };
        stripeEvent["type"] = type;
        _events.Add(stripeEvent);
        if (webhooks > 0)
        {
            // Unbounded channel: TryWrite cannot fail while the writer is open, and never blocks the API call.
            _webhooks.Writer.TryWrite(new WebhookJob(stripeEvent["id"]!.GetValue<string>(), type, stripeEvent.ToJsonString()));
        }

        return stripeEvent;
    }

    internal void MarkWebhookDelivered(string eventId)
    {
        lock (Sync)
        {
            var stripeEvent = _events.Find(e => e["id"]!.GetValue<string>() == eventId);
            if (stripeEvent is not null)
            {
                stripeEvent["pending_webhooks"] = Math.Max(0, stripeEvent["pending_webhooks"]!.GetValue<int>() - 1);
            }
        }
    }

    /// The stored events, oldest first, for the list endpoint to filter; call while holding Sync.
    internal List<JsonObject> EventsUnlocked => _events;
}
