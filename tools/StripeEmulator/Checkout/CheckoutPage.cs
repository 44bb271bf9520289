using System.Globalization;
using System.Net;
using System.Text;

namespace StripeEmulator.Checkout;

/// The hosted payment page at a session's url (/c/pay/{id}), standing in for checkout.stripe.com: the line items and
/// the total, Stripe's test cards as radio buttons (ids card-pm_card_visa, ...), a Pay button (id pay) and, when the
/// session has a cancel_url, a link back to it (id cancel). Paying answers 303 to the success_url with the session's
/// id in place of {CHECKOUT_SESSION_ID}; a declined card shows the page again with the decline (id error), the
/// session still open. No JavaScript: a plain form, so HTTP tests and browsers drive it alike.
internal static class CheckoutPage
{
    public static readonly string[] TestCards = ["pm_card_visa", "pm_card_chargeDeclined", "pm_card_authenticationRequired", "pm_card_refundFail"];

    private const string AuthenticationNotEmulated = "This card asks for 3D Secure authentication, which this emulated page does not perform: its PaymentIntent now requires_action. Choose another card.";

    public static void MapCheckoutPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/c/pay/{id}", (string id, CheckoutPayment payments) => Show(payments, id, null));
        app.MapPost("/c/pay/{id}", async (string id, HttpContext http, CheckoutPayment payments) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form["payment_method"].FirstOrDefault() is not { } card || !TestCards.Contains(card))
            {
                return Show(payments, id, "Choose one of the test cards.", StatusCodes.Status400BadRequest);
            }

            var outcome = payments.Pay(id, card);
            switch (outcome.Result)
            {
                case PayResult.Paid when outcome.Detail is { } successUrl:
                    http.Response.Headers.Location = successUrl;
                    return Results.StatusCode(StatusCodes.Status303SeeOther);
                case PayResult.Paid:
                    return Html(Page("Payment complete", "<p id=\"paid\">Payment complete. This session has no success_url to return to.</p>"));
                case PayResult.Declined:
                    return Show(payments, id, outcome.Detail ?? "Your card was declined.");
                case PayResult.RequiresAction:
                    return Show(payments, id, AuthenticationNotEmulated);
                default:
                    return Show(payments, id, null, StatusCodes.Status409Conflict);
            }
        });
    }

    private static IResult Show(CheckoutPayment payments, string id, string? error, int status = StatusCodes.Status200OK)
    {
        if (payments.Find(id) is not { } session)
        {
            return Html(Page("Not found", "<p id=\"not-found\">There is no such Checkout Session.</p>"), StatusCodes.Status404NotFound);
        }

        if ((string?)session["status"] != "open")
        {
            return Html(Page("Checkout", $"<p id=\"session-closed\">This Checkout Session is {Encode((string?)session["status"])}; it can no longer be paid.</p>"), status);
        }

        var currency = (string)session["currency"]!;
        var body = new StringBuilder();
        body.Append("<table id=\"line-items\"><tr><th>Item</th><th>Quantity</th><th>Unit price</th><th>Amount</th></tr>");
        foreach (var item in payments.LineItems(id).Select(i => i!.AsObject()))
        {
            body.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode((string?)item["description"])}</td><td>{item["quantity"]}</td><td>{Money((long)item["price"]!["unit_amount"]!, currency)}</td><td>{Money((long)item["amount_total"]!, currency)}</td></tr>");
        }

        body.Append(CultureInfo.InvariantCulture, $"</table><p>Total: <strong id=\"total\">{Money((long)session["amount_total"]!, currency)}</strong></p>");
        if (error is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p id=\"error\" role=\"alert\">{Encode(error)}</p>");
        }

        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/c/pay/{Encode(id)}\"><fieldset><legend>Test card</legend>");
        foreach (var card in TestCards)
        {
            var check = card == TestCards[0] ? " checked" : "";
            body.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"payment_method\" id=\"card-{card}\" value=\"{card}\"{check}> {card}</label><br>");
        }

        body.Append(CultureInfo.InvariantCulture, $"</fieldset><button id=\"pay\" type=\"submit\">Pay {Money((long)session["amount_total"]!, currency)}</button></form>");
        if ((string?)session["cancel_url"] is { } cancelUrl)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p><a id=\"cancel\" href=\"{Encode(cancelUrl)}\">Cancel and go back</a></p>");
        }

        return Html(Page("Checkout", body.ToString()), status);
    }

    private static IResult Html(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string Page(string title, string body) =>
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Encode(title)} - Stripe emulator</title></head><body><h1>{Encode(title)}</h1>{body}</body></html>";

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// Minor units in the currency's own exponent (Stripe's zero- and three-decimal currencies), e.g. "50.00 EUR".
    internal static string Money(long minorUnits, string currency)
    {
        var decimals = currency.ToLowerInvariant() switch
        {
            "bif" or "clp" or "djf" or "gnf" or "jpy" or "kmf" or "krw" or "mga" or "pyg" or "rwf" or "ugx" or "vnd" or "vuv" or "xaf" or "xof" or "xpf" => 0,
            "bhd" or "jod" or "kwd" or "omr" or "tnd" => 3,
            _ => 2,
        };
        var major = minorUnits / (decimal)Math.Pow(10, decimals);
        return major.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + currency.ToUpperInvariant();
    }
}
