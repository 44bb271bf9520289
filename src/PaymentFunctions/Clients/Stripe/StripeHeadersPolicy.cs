using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.Stripe;

/// Runs on every attempt and reads the credential each time, so a rotated key (AzureKeyCredential.Update)
/// is used from the next request on without rebuilding the client.
internal sealed class StripeHeadersPolicy(AzureKeyCredential secretKey, string apiVersion) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + secretKey.Key);
        message.Request.Headers.SetValue("Stripe-Version", apiVersion);
    }
}
