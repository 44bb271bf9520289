using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PaymentFunctions.Clients.Tables;

/// <summary>
/// Shared Key (not Shared Key Lite) for the Table service, as in "Authorize with Shared Key":
/// StringToSign = VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource, where Date is the
/// x-ms-date value and the resource is /account/path plus only the comp query parameter.
/// Runs per retry so every attempt carries a fresh date.
/// </summary>
internal sealed class TableSharedKeyPolicy(TableSharedKeyCredential credential, TimeProvider timeProvider) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = timeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        request.Headers.TryGetValue("Content-MD5", out var contentMd5);
        request.Headers.TryGetValue("Content-Type", out var contentType);
        var stringToSign = StringToSign(request.Method.Method, contentMd5, contentType, date, request.Uri.ToUri(), credential.AccountName);
        request.Headers.SetValue("Authorization", $"SharedKey {credential.AccountName}:{credential.Sign(stringToSign)}");
    }

    internal static string StringToSign(string verb, string? contentMd5, string? contentType, string date, Uri uri, string accountName) =>
        $"{verb}\n{contentMd5}\n{contentType}\n{date}\n{CanonicalizedResource(uri, accountName)}";

    // Path-style URLs (Azurite: http://127.0.0.1:10002/devstoreaccount1/Tables) keep the account in the
    // path, so the resource becomes /devstoreaccount1/devstoreaccount1/Tables - which is what Azurite checks.
    // AbsolutePath is the escaped path exactly as HttpClient sends it, so quotes and unicode in keys sign right.
    internal static string CanonicalizedResource(Uri uri, string accountName)
    {
        var resource = "/" + accountName + uri.AbsolutePath;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("comp=", StringComparison.OrdinalIgnoreCase))
            {
                return resource + "?comp=" + Uri.UnescapeDataString(pair["comp=".Length..]);
            }
        }

        return resource;
    }
}
