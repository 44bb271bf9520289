using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Checkout;
using StripeEmulator.Customers;
using StripeEmulator.Events;
using StripeEmulator.Payments;

namespace StripeEmulator;

public static partial class EmulatorApp
{
    private static void MapStripeApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/payment_intents", (HttpContext c, StripeApi api, PaymentIntentService s) => api.ExecuteAsync(c, s.Create));
        v1.MapGet("/payment_intents/{id}", (string id, HttpContext c, StripeApi api, PaymentIntentService s) => api.ExecuteAsync(c, (f, _) => s.Retrieve(id, f)));
        v1.MapPost("/payment_intents/{id}", (string id, HttpContext c, StripeApi api, PaymentIntentService s) => api.ExecuteAsync(c, (f, r) => s.Update(id, f, r)));
        v1.MapPost("/payment_intents/{id}/confirm", (string id, HttpContext c, StripeApi api, PaymentIntentService s) => api.ExecuteAsync(c, (f, r) => s.Confirm(id, f, r)));
        v1.MapPost("/payment_intents/{id}/cancel", (string id, HttpContext c, StripeApi api, PaymentIntentService s) => api.ExecuteAsync(c, (f, r) => s.Cancel(id, f, r)));
        v1.MapPost("/refunds", (HttpContext c, StripeApi api, RefundService s) => api.ExecuteAsync(c, s.Create));
        v1.MapGet("/refunds", (HttpContext c, StripeApi api, RefundService s) => api.ExecuteAsync(c, (f, _) => s.List(f)));
        v1.MapGet("/refunds/{id}", (string id, HttpContext c, StripeApi api, RefundService s) => api.ExecuteAsync(c, (_, _) => s.Retrieve("refund", id)));
        v1.MapGet("/charges/{id}", (string id, HttpContext c, StripeApi api, RefundService s) => api.ExecuteAsync(c, (_, _) => s.Retrieve("charge", id)));
        v1.MapPost("/customers", (HttpContext c, StripeApi api, CustomerService s) => api.ExecuteAsync(c, s.Create));
        v1.MapGet("/customers/{id}", (string id, HttpContext c, StripeApi api, CustomerService s) => api.ExecuteAsync(c, (_, _) => s.Retrieve(id)));
        v1.MapGet("/customers/{id}/payment_methods", (string id, HttpContext c, StripeApi api, PaymentMethodService s) => api.ExecuteAsync(c, (f, _) => s.List(f, id)));
        v1.MapGet("/payment_methods", (HttpContext c, StripeApi api, PaymentMethodService s) => api.ExecuteAsync(c, (f, _) => s.List(f)));
        v1.MapGet("/payment_methods/{id}", (string id, HttpContext c, StripeApi api, PaymentMethodService s) => api.ExecuteAsync(c, (_, _) => s.Retrieve(id)));
        v1.MapPost("/payment_methods/{id}/detach", (string id, HttpContext c, StripeApi api, PaymentMethodService s) => api.ExecuteAsync(c, (_, r) => s.Detach(id, r)));
        v1.MapPost("/checkout/sessions", (HttpContext c, StripeApi api, CheckoutSessionService s) => api.ExecuteAsync(c, (f, r) => s.Create(f, r, $"{c.Request.Scheme}://{c.Request.Host}")));
        v1.MapGet("/checkout/sessions", (HttpContext c, StripeApi api, CheckoutSessionService s) => api.ExecuteAsync(c, s.List));
        v1.MapGet("/checkout/sessions/{id}", (string id, HttpContext c, StripeApi api, CheckoutSessionService s) => api.ExecuteAsync(c, (_, r) => s.Retrieve(id, r)));
        v1.MapGet("/checkout/sessions/{id}/line_items", (string id, HttpContext c, StripeApi api, CheckoutSessionService s) => api.ExecuteAsync(c, (f, _) => s.LineItems(id, f)));
        v1.MapPost("/checkout/sessions/{id}/expire", (string id, HttpContext c, StripeApi api, CheckoutSessionService s) => api.ExecuteAsync(c, (_, r) => s.Expire(id, r)));
        v1.MapGet("/events", (HttpContext c, StripeApi api, EventQuery q) => api.ExecuteAsync(c, (f, _) => q.List(f)));
        v1.MapGet("/events/{id}", (string id, HttpContext c, StripeApi api, EventQuery q) => api.ExecuteAsync(c, (_, _) => q.Retrieve(id)));

        // Any other /v1 path answers like Stripe does for an unknown URL, not with an empty 404.
        v1.MapFallback((HttpContext c) => StripeApi.WriteAsync(c, 404, StripeErrors.Body(StripeErrors.InvalidRequest, $"Unrecognized request URL ({c.Request.Method}: {c.Request.Path}).").ToJsonString()));
    }

    private static void MapEmulatorControl(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_emulator");
        control.MapPost("/faults", (FaultRule rule, FaultInjector faults) =>
        {
            if (rule.Count < 1 || rule.Status is < 400 or > 599 || rule.DelayMs < 0 || !rule.Path.StartsWith('/') || (rule.Status is null && rule.DelayMs == 0))
            {
                return Results.Problem(statusCode: 400, title: "Invalid fault", detail: "path must start with '/', count >= 1, status 400-599 (or null with delayMs > 0), delayMs >= 0.");
            }

            faults.Add(rule);
            return Results.Ok(new { pending = faults.Pending });
        });
        control.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        control.MapPost("/rate-limits", (RateLimitSettings settings, RateLimits limits) =>
        {
            if (settings.GlobalPerSecond is < 0 || settings.EndpointPerSecond is < 0 || settings.RetryAfterSeconds is < 0 || (settings.GlobalPerSecond is null && settings.EndpointPerSecond is null))
            {
                return Results.Problem(statusCode: 400, title: "Invalid rate limits", detail: "globalPerSecond and/or endpointPerSecond (>= 0) are required; retryAfterSeconds >= 0.");
            }

            limits.Set(settings);
            return Results.Ok(settings);
        });
        control.MapDelete("/rate-limits", (RateLimits limits) =>
        {
            limits.Set(null);
            return Results.NoContent();
        });
        control.MapGet("/state", (EmulatorState state, IdempotencyStore idempotency, FaultInjector faults, RateLimits limits) =>
        {
            var deliveries = state.WebhookDeliveries;
            return Results.Json(new JsonObject
            {
                ["payment_intents"] = state.PaymentIntents.Count,
                ["payment_intents_created"] = state.CreateCount,
                ["charges"] = state.Charges.Count,
                ["refunds"] = state.Refunds.Count,
                ["customers"] = state.Customers.Count,
                ["checkout_sessions"] = state.CheckoutSessions.Count,
                ["payment_methods"] = state.PaymentMethods.Count,
                ["events"] = state.Events.Count,
                ["requests"] = state.RequestCount,
                ["idempotency_keys"] = idempotency.Count,
                ["idempotency_keys_in_flight"] = idempotency.InFlightCount,
                ["faults_pending"] = faults.Pending,
                ["rate_limited"] = limits.Refused,
                ["webhook_attempts"] = deliveries.Count,
                ["webhook_attempts_failed"] = deliveries.Count(d => !d.Succeeded),
            });
        });
    }
}
