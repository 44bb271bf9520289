using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Hosting;
using PaymentFunctions.Hosting.Standalone;
using PaymentFunctions.Messaging;

namespace PaymentFunctions.Tests.Infrastructure;

/// Invokes a function the way the Functions host does for a non-HTTP trigger: the Service Bus body as bytes with
/// the binding data shaped as the host sends it (every value text: DeliveryCount "2", EnqueuedTimeUtc a JSON string
/// with its quotes, UserProperties JSON object text, plus keys the function ignores), a timer with its TimerInfo.
public static class FunctionsHostCalls
{
    public static Task<FunctionRun> DeliverAsync(PaymentAppHost host, OutboxMessage message, int deliveryCount = 1) =>
        DeliverRawAsync(host, message.Body, message.MessageId, deliveryCount);

    public static Task<FunctionRun> DeliverRawAsync(PaymentAppHost host, string body, string messageId, int deliveryCount = 1)
    {
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["MessageId"] = messageId,
            ["DeliveryCount"] = deliveryCount.ToString(CultureInfo.InvariantCulture),
            ["ContentType"] = CloudEventEnvelope.ContentType,
            ["EnqueuedTimeUtc"] = JsonSerializer.Serialize(DateTime.UtcNow),
            ["UserProperties"] = """{"type":"bookticket.payments.payment_succeeded.v1"}""",
            ["ApplicationProperties"] = """{"type":"bookticket.payments.payment_succeeded.v1"}""",
            ["LockToken"] = Guid.NewGuid().ToString(),
            ["sys"] = JsonSerializer.Serialize(new { MethodName = "BookingPaymentEvents", UtcNow = DateTime.UtcNow }),
        };
        return RunAsync(() => FunctionInvoker.InvokeTriggerAsync(Function("BookingPaymentEvents"), host.Services, Encoding.UTF8.GetBytes(body), bindingData, CancellationToken.None));
    }

    public static Task<FunctionRun> FireTimerAsync(PaymentAppHost host, string functionName) =>
        RunAsync(() => FunctionInvoker.InvokeTriggerAsync(
            Function(functionName), host.Services, new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus() }, new Dictionary<string, object?>(), CancellationToken.None));

    private static FunctionEntry Function(string name) => FunctionCatalog.All.Single(f => f.Name == name);

    private static async Task<FunctionRun> RunAsync(Func<Task> invoke)
    {
        try
        {
            await invoke();
            return new FunctionRun(null);
        }
        catch (Exception ex)
        {
            return new FunctionRun(ex);
        }
    }
}

/// One invocation's outcome: a throw fails it, so the host abandons the message (Service Bus redelivers) or
/// records a failed timer run.
public sealed record FunctionRun(Exception? Error)
{
    public void AssertSucceeded() => Assert.True(Error is null, $"The invocation failed: {Error}");

    public Exception AssertFailed() => Error ?? throw new Xunit.Sdk.XunitException("The invocation succeeded but should have failed.");
}
