using System.Text.Json.Nodes;

namespace StripeEmulator.Api;

/// Stripe's error envelope: {"error":{"type","code","message","param","decline_code",...}}.
internal static class StripeErrors
{
    public const string InvalidRequest = "invalid_request_error";

    public static JsonObject Body(string type, string message, string? code = null, string? param = null, string? declineCode = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = "https://stripe.com/docs/error-codes/" + code.Replace('_', '-');
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }

        return new JsonObject { ["error"] = error };
    }

    public static ApiResult Missing(string param) =>
        new(400, Body(InvalidRequest, $"Missing required param: {param}.", "parameter_missing", param), Saved: false);

    public static ApiResult Invalid(string param, string message, string? code = null) =>
        new(400, Body(InvalidRequest, message, code, param), Saved: false);

    public static ApiResult NoSuch(string kind, string id, string param = "id") =>
        new(404, Body(InvalidRequest, $"No such {kind}: '{id}'", "resource_missing", param));

    public static ApiResult UnexpectedState(string message, JsonObject intent)
    {
        var body = Body(InvalidRequest, message, "payment_intent_unexpected_state");
        body["error"]!["payment_intent"] = intent.DeepClone();
        return new(400, body);
    }
}
