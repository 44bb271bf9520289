using PaymentFunctions.Messaging;

namespace PaymentFunctions.Tests.Messaging;

public sealed class ServiceBusDeliveryTests
{
    // The values as the Functions host puts them in FunctionContext.BindingContext.BindingData.
    private static readonly Dictionary<string, object?> HostShaped = new()
    {
        ["MessageId"] = "evt_1:payment_intent.succeeded",
        ["DeliveryCount"] = "2",
        ["SessionId"] = "bk_1",
        ["CorrelationId"] = "bk_1",
        ["Subject"] = "payment_succeeded",
        ["ContentType"] = "application/cloudevents+json; charset=utf-8",
        ["EnqueuedTimeUtc"] = "\"2026-12-02T04:31:24.123Z\"",
        ["ApplicationProperties"] = """{"type":"bookticket.payments.payment_succeeded.v1","attempt":3}""",
        ["LockToken"] = "6a1e5d8c-0000-0000-0000-000000000000",
        ["sys"] = """{"MethodName":"BookingPaymentEvents"}""",
    };

    [Fact]
    public void TheHostsBindingDataIsReadAsTypedValues()
    {
        var delivery = ServiceBusDelivery.From(HostShaped);

        Assert.Equal("evt_1:payment_intent.succeeded", delivery.MessageId);
        Assert.Equal(2, delivery.DeliveryCount);
        Assert.Equal(("bk_1", "bk_1", "payment_succeeded"), (delivery.SessionId, delivery.CorrelationId, delivery.Subject));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 4, 31, 24, 123, TimeSpan.Zero), delivery.EnqueuedTimeUtc);
        Assert.Equal("bookticket.payments.payment_succeeded.v1", delivery.ApplicationProperties["type"]);
        Assert.Equal("3", delivery.ApplicationProperties["attempt"]);
    }

    [Fact]
    public void KeysAreCaseInsensitiveAndTheOlderUserPropertiesNameIsRead()
    {
        var delivery = ServiceBusDelivery.From(new Dictionary<string, object?>
        {
            ["messageid"] = "m-1",
            ["DELIVERYCOUNT"] = "1",
            ["UserProperties"] = """{"type":"x"}""",
        });

        Assert.Equal(("m-1", 1, "x"), (delivery.MessageId, delivery.DeliveryCount, delivery.ApplicationProperties["type"]));
        Assert.Null(delivery.EnqueuedTimeUtc);
    }

    [Theory]
    [InlineData("MessageId", null, "MessageId")]
    [InlineData("DeliveryCount", "two", "DeliveryCount")]
    [InlineData("DeliveryCount", "0", "DeliveryCount")]
    [InlineData("EnqueuedTimeUtc", "\"yesterday\"", "EnqueuedTimeUtc")]
    [InlineData("ApplicationProperties", "[1]", "ApplicationProperties")]
    public void BindingDataThatIsMissingOrMalformedIsRefusedNamingTheKey(string key, string? value, string named)
    {
        var data = new Dictionary<string, object?>(HostShaped) { [key] = value };

        var error = Assert.Throws<FormatException>(() => ServiceBusDelivery.From(data));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatTheInProcessTransportHandsTheFunctionHasTheHostsShapes()
    {
        var delivery = ServiceBusDelivery.From(HostShaped);

        var data = delivery.ToBindingData();

        Assert.Equal("2", data["DeliveryCount"]);
        Assert.Equal("\"2026-12-02T04:31:24.123Z\"", data["EnqueuedTimeUtc"]);
        Assert.StartsWith("{", (string)data["ApplicationProperties"]!, StringComparison.Ordinal);
        Assert.Equal(delivery.ApplicationProperties, ServiceBusDelivery.From(data).ApplicationProperties);
        Assert.Equal(delivery with { ApplicationProperties = null! }, ServiceBusDelivery.From(data) with { ApplicationProperties = null! });
    }
}
