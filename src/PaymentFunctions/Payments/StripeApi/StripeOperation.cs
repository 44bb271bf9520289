namespace PaymentFunctions.Payments.StripeApi;

/// The name of a Stripe API call, as Stripe's API reference names it, from its method and path:
/// POST /v1/payment_intents is payment_intents.create, GET /v1/payment_intents/{id} payment_intents.retrieve,
/// POST /v1/payment_intents/{id}/cancel payment_intents.cancel, GET /v1/events events.list. Stripe's paths alternate
/// resource names and object ids after the version, so ids are dropped by position: a metric label never holds one,
/// and the names come from the calls this app makes, so they stay few.
public static class StripeOperation
{
    public const string Other = "other";

    /// Stripe's namespaced resources take two names before their id (POST /v1/checkout/sessions is
    /// checkout.sessions.create); only the namespaces this app calls.
    private static readonly HashSet<string> Namespaces = ["checkout"];

    public static string Of(HttpMethod method, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(uri);
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var version = Array.FindIndex(segments, s => s is "v1" or "v2");
        if (version < 0 || version == segments.Length - 1)
        {
            return Other;
        }

        var names = new List<string>();
        if (Namespaces.Contains(segments[version + 1]) && version + 2 < segments.Length)
        {
            names.Add(segments[version + 1]);
            version++;
        }

        var endsWithId = false;
        for (var i = version + 1; i < segments.Length; i++)
        {
            // Names at even offsets (payment_intents, cancel), ids at odd ones, but for the search endpoints.
            endsWithId = (i - version) % 2 == 0 && segments[i] != "search";
            if (!endsWithId)
            {
                if (!segments[i].All(c => c is (>= 'a' and <= 'z') or '_'))
                {
                    return Other;
                }

                names.Add(segments[i]);
            }
        }

        var nested = segments.Length - version > 2;
        var verb = (method.Method, endsWithId, nested) switch
        {
            ("GET", true, _) => "retrieve",
            ("POST", true, _) => "update",
            ("DELETE", true, _) => "delete",
            ("GET", false, _) when names[^1] == "search" => null,
            ("GET", false, _) => "list",
            ("POST", false, false) => "create",
            // POST /v1/payment_intents/{id}/cancel: the last name is the action.
            ("POST", false, true) => null,
            _ => method.Method.ToLowerInvariant(),
        };
        return string.Join('.', verb is null ? names : names.Append(verb));
    }
}
