using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.Tables;

/// <summary>Headers every Table request needs: OData v3 JSON with minimal metadata and the pinned REST version.</summary>
internal sealed class TableHeadersPolicy(string apiVersion) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var headers = message.Request.Headers;
        headers.SetValue("x-ms-version", apiVersion);
        headers.SetValue("DataServiceVersion", "3.0");
        headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        if (!headers.Contains("Accept"))
        {
            headers.SetValue("Accept", TableConstants.JsonAccept);
        }
    }
}
