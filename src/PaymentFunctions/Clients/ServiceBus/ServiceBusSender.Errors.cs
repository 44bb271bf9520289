using Azure;

namespace PaymentFunctions.Clients.ServiceBus;

public sealed partial class ServiceBusSender
{
    /// Builds the exception from the status alone: the response body and request headers are left out so no token,
    /// key or payload can reach a log through the exception message.
    private void ThrowIfNotSent(Response response, string what)
    {
        if (response.Status is 200 or 201)
        {
            return;
        }

        var reason = response.Status switch
        {
            401 => "authorization was rejected: the SAS token or Entra ID token is missing, invalid or expired, or the key name is wrong",
            403 => "the request was forbidden: the identity lacks the Send right, the namespace quota is exceeded, or the message is too large",
            404 => $"the topic does not exist in namespace '{Namespace}'",
            410 => $"the topic does not exist in namespace '{Namespace}' (the Send Message API answers 410 for that), or was deleted",
            413 => "the message is too large for the topic",
            _ => $"the broker answered {response.Status} {response.ReasonPhrase}",
        };

        throw new RequestFailedException(
            response.Status,
            $"Service Bus did not accept the {what} for topic '{TopicName}' ({response.Status}): {reason}.",
            errorCode: null,
            innerException: null);
    }
}
