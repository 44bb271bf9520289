using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.ServiceBus;

/// Runs per retry, so a resend after a long back-off carries a fresh token rather than an expired one.
internal sealed class ServiceBusSasPolicy(ServiceBusSasCredential credential, string resource, TimeSpan lifetime) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, credential.GetAuthorizationValue(resource, lifetime));
}
