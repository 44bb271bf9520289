using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Hosting.Standalone;

/// The FunctionContext the standalone host hands a function: its binding data as the Functions host would give
/// it, its services and its cancellation. What the app's functions do not read is not provided.
public sealed class StandaloneFunctionContext(
    string functionName, IServiceProvider services, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken) : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => functionName;

    public override TraceContext TraceContext => throw NotProvided(nameof(TraceContext));

    public override BindingContext BindingContext { get; } = new Binding(bindingData);

    public override RetryContext RetryContext => throw NotProvided(nameof(RetryContext));

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => throw NotProvided(nameof(FunctionDefinition));

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw NotProvided(nameof(Features));

    public override CancellationToken CancellationToken { get; } = cancellationToken;

    private static NotSupportedException NotProvided(string member) =>
        new($"The standalone host does not provide FunctionContext.{member}; only the Functions host does.");

    private sealed class Binding(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }
}
