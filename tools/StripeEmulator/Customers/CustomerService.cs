using System.Text.Json.Nodes;
using StripeEmulator.Api;
using StripeEmulator.Fixtures;

namespace StripeEmulator.Customers;

/// Customers: create (Idempotency-Key honoured by the edge, as for every POST) and retrieve.
internal sealed class CustomerService(EmulatorState state)
{
    private static readonly string[] Fields = ["email", "name", "description", "phone"];

    public ApiResult Create(StripeForm form, RequestInfo request)
    {
        lock (state.Sync)
        {
            var customer = StripeFixtures.Customer();
            customer["id"] = state.NewId("cus_", 14);
            customer["created"] = state.Now();
            customer["invoice_prefix"] = state.NewId("", 8).ToUpperInvariant();
            foreach (var field in Fields)
            {
                customer[field] = form[field] is { Length: > 0 } value ? value : null;
            }

            customer["metadata"] = new JsonObject([.. (form.Hash("metadata") ?? []).Where(p => p.Value.Length > 0).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]);
            state.CustomersById[customer["id"]!.GetValue<string>()] = customer;
            state.RecordEvent("customer.created", customer, request);
            return ApiResult.Ok((JsonObject)customer.DeepClone());
        }
    }

    public ApiResult Retrieve(string id)
    {
        lock (state.Sync)
        {
            return state.CustomersById.TryGetValue(id, out var customer) ? ApiResult.Ok((JsonObject)customer.DeepClone()) : StripeErrors.NoSuch("customer", id);
        }
    }
}
