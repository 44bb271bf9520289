using System.Text;
using System.Text.Json;
using PaymentFunctions.Hosting;

namespace PaymentFunctions.Tests.Hosting;

public sealed class FunctionInvocationRequestTests
{
    // Shaped by hand after the Functions host: binary data as base64, primitives JSON-serialized into strings.
    private const string HostPayload = """
        {"Data":{"message":"eyJhIjoiw6kifQ=="},
         "Metadata":{"MessageId":"\"evt_1:payment_intent.succeeded\"","DeliveryCount":"3","SessionId":"\"bk_1\"",
                     "UserProperties":{"type":"x"},"Plain":"not-serialized"}}
        """;

    private static readonly FunctionInvocationRequest Request = JsonSerializer.Deserialize<FunctionInvocationRequest>(HostPayload)!;

    [Fact]
    public void TheBinaryBindingIsDecodedToTheExactBodyBytes() =>
        Assert.Equal("{\"a\":\"\u00e9\"}", Encoding.UTF8.GetString(Request.BindingBytes("message")!));

    [Fact]
    public void MetadataSerializedTwiceByTheHostIsReadAsItsValue()
    {
        Assert.Equal("evt_1:payment_intent.succeeded", Request.MetadataString("MessageId"));
        Assert.Equal(3, Request.MetadataInt("DeliveryCount"));
        Assert.Equal("bk_1", Request.MetadataString("SessionId"));
        Assert.Equal("not-serialized", Request.MetadataString("Plain"));
        Assert.Null(Request.MetadataString("Missing"));
    }

    [Fact]
    public void ABindingThatIsNotBase64NamesTheFix()
    {
        var request = JsonSerializer.Deserialize<FunctionInvocationRequest>("""{"Data":{"message":"{not base64}"}}""")!;

        var error = Assert.Throws<FormatException>(() => request.BindingBytes("message"));
        Assert.Contains("dataType", error.Message);
    }

    [Fact]
    public void WhatTheInProcessTransportSendsIsReadLikeTheHostsPayload()
    {
        var body = Encoding.UTF8.GetBytes("{\"specversion\":\"1.0\"}");
        var built = FunctionInvocationRequest.ForMessage("message", body, new Dictionary<string, object?> { ["MessageId"] = "m-1", ["DeliveryCount"] = 2 });
        var overTheWire = JsonSerializer.Deserialize<FunctionInvocationRequest>(JsonSerializer.Serialize(built))!;

        Assert.Equal(body, overTheWire.BindingBytes("message"));
        Assert.Equal("m-1", overTheWire.MetadataString("MessageId"));
        Assert.Equal(2, overTheWire.MetadataInt("DeliveryCount"));
    }
}
