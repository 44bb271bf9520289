using System.Net;
using Azure;
using Azure.Core;
using PaymentFunctions.Clients.Tables;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Clients.Tables;

public sealed class TableAuthTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class StaticToken : TokenCredential
    {
        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Add(requestContext.Scopes);
            return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }

    // Expected signatures computed independently with: printf '<string>' | openssl dgst -sha256 -mac HMAC -macopt hexkey:<key> -binary | base64
    [Fact]
    public void StringToSignForAzuritePathStyleRepeatsTheAccountAndSignsAsOpenSslDoes()
    {
        var uri = new Uri("http://127.0.0.1:10002/devstoreaccount1/Tables?$top=1");

        var stringToSign = TableSharedKeyPolicy.StringToSign("GET", null, null, "Sun, 11 Oct 2009 21:49:13 GMT", uri, "devstoreaccount1");

        Assert.Equal("GET\n\n\nSun, 11 Oct 2009 21:49:13 GMT\n/devstoreaccount1/devstoreaccount1/Tables", stringToSign);
        Assert.Equal("SN334W2NJRJzvDKGEv60th4NYsvV4mrQq3CP3YJ2J88=", new TableSharedKeyCredential("devstoreaccount1", AzuriteServer.AccountKey).Sign(stringToSign));
    }

    [Fact]
    public void StringToSignKeepsOnlyTheCompQueryParameter()
    {
        Assert.Equal("/myaccount/mytable", TableSharedKeyPolicy.CanonicalizedResource(new Uri("https://myaccount.table.core.windows.net/mytable?$filter=a&$top=5"), "myaccount"));
        Assert.Equal("/myaccount/?comp=properties", TableSharedKeyPolicy.CanonicalizedResource(new Uri("https://myaccount.table.core.windows.net/?restype=service&comp=properties"), "myaccount"));
    }

    [Fact]
    public async Task PipelineSendsDateVersionAndTheExpectedSharedKeyHeader()
    {
        var handler = new RecordingHandler();
        handler.AnswerNext(1, HttpStatusCode.NoContent);
        var options = TableTestSupport.FastRetryOptions(handler);
        options.TimeProvider = new FixedTime(new DateTimeOffset(2009, 10, 11, 21, 49, 13, TimeSpan.Zero));
        var credential = new TableSharedKeyCredential("myaccount", AzuriteServer.AccountKey);
        var table = new TableServiceClient(new Uri("https://myaccount.table.core.windows.net/"), credential, options).GetTableClient("mytable");

        await table.AddEntityAsync(new TableEntity("p", "r"));

        var sent = Assert.Single(handler.Requests);
        Assert.Equal("https://myaccount.table.core.windows.net/mytable", sent.Uri.AbsoluteUri);
        Assert.Equal("Sun, 11 Oct 2009 21:49:13 GMT", sent.Headers["x-ms-date"]);
        Assert.Equal("2019-02-02", sent.Headers["x-ms-version"]);
        Assert.Equal("3.0", sent.Headers["DataServiceVersion"]);
        Assert.Equal("application/json;odata=minimalmetadata", sent.Headers["Accept"].Replace(" ", ""));
        Assert.Equal("SharedKey myaccount:obyqxLgPo5L+0nEMnoN7+Rm5ySpVEN9aRg86+iqT26Q=", sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task TokenCredentialSendsABearerTokenForTheStorageScope()
    {
        var handler = new RecordingHandler();
        handler.AnswerNext(1, HttpStatusCode.OK);
        var token = new StaticToken();
        var service = new TableServiceClient(new Uri("https://myaccount.table.core.windows.net"), token, TableTestSupport.FastRetryOptions(handler));

        await service.PingAsync();

        Assert.Equal("Bearer test-token", Assert.Single(handler.Requests).Headers["Authorization"]);
        Assert.Equal(["https://storage.azure.com/.default"], Assert.Single(token.Scopes));
    }

    [Fact]
    public async Task DevelopmentStorageConnectionStringTargetsAzuritesDefaultEndpoint()
    {
        var handler = new RecordingHandler();
        handler.AnswerNext(1, HttpStatusCode.OK);
        var service = new TableServiceClient("UseDevelopmentStorage=true", TableTestSupport.FastRetryOptions(handler));

        await service.PingAsync();

        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), service.Endpoint);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1/Tables?$top=1", Assert.Single(handler.Requests).Uri.ToString());
        Assert.StartsWith("SharedKey devstoreaccount1:", handler.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public void AccountConnectionStringBuildsTheEndpointFromProtocolAndSuffix()
    {
        var service = new TableServiceClient("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + AzuriteServer.AccountKey + ";EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://acct.table.core.chinacloudapi.cn"), service.Endpoint);
    }

    [Fact]
    public void ConnectionStringErrorsNeverEchoTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new TableServiceClient("AccountName=acct;AccountKey=not*base64"));

        Assert.DoesNotContain("not*base64", error.ToString());
    }

    [Fact]
    public async Task PingAgainstAzuriteSucceedsWithTheRightKey()
    {
        var azurite = await AzuriteServer.Shared;

        await new TableServiceClient(azurite.TableEndpoint, new TableSharedKeyCredential(AzuriteServer.AccountName, AzuriteServer.AccountKey)).PingAsync();
    }

    [Fact]
    public async Task WrongKeyThrowsRequestFailedWithStatusAndCodeButNoSecret()
    {
        var azurite = await AzuriteServer.Shared;
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var handler = new RecordingHandler();
        var service = new TableServiceClient(azurite.TableEndpoint, new TableSharedKeyCredential(AzuriteServer.AccountName, wrongKey), TableTestSupport.FastRetryOptions(handler));

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => service.PingAsync());

        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailure", error.ErrorCode);
        var signature = handler.Requests[0].Headers["Authorization"];
        Assert.DoesNotContain(wrongKey, error.ToString());
        Assert.DoesNotContain(signature, error.ToString());
        Assert.DoesNotContain("SharedKey", error.ToString());
    }

    [Fact]
    public async Task PingThrowsWhenStorageDoesNotAnswer()
    {
        var options = TableTestSupport.FastRetryOptions();
        options.Retry.MaxRetries = 0;
        var service = new TableServiceClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1"), new TableSharedKeyCredential("devstoreaccount1", AzuriteServer.AccountKey), options);

        await Assert.ThrowsAsync<RequestFailedException>(() => service.PingAsync());
    }
}
