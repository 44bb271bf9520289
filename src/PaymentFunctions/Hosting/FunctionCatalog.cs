using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace PaymentFunctions.Hosting;

/// One [Function] method and its trigger, as the worker SDK sees it when it writes functions.metadata.
public sealed record FunctionEntry(string Name, MethodInfo Method, TriggerBindingAttribute Trigger)
{
    public HttpTriggerAttribute? Http => Trigger as HttpTriggerAttribute;

    public TimerTriggerAttribute? Timer => Trigger as TimerTriggerAttribute;

    public ServiceBusTriggerAttribute? ServiceBus => Trigger as ServiceBusTriggerAttribute;

    /// The route the Functions host serves an HTTP function on: "{routePrefix}/{route}", the function name when
    /// the trigger names no route (as the host and the worker's FunctionsEndpointDataSource build it).
    public string RouteTemplate(string routePrefix)
    {
        var route = Http?.Route ?? Name;
        return routePrefix.Length == 0 ? route : $"{routePrefix}/{route}";
    }
}

/// The app's functions found by reflection over the same attributes the SDK reads, so the standalone host
/// serves exactly what functions.metadata declares (a test checks the two agree), and both hosts find a
/// function's declared authorization on the same method.
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionEntry> All { get; } = Discover(typeof(FunctionCatalog).Assembly);

    private static readonly Dictionary<string, FunctionEntry> ByName = All.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    /// The function the Functions host is invoking (FunctionDefinition.Name is the [Function] name).
    public static FunctionEntry Named(string name) =>
        ByName.TryGetValue(name, out var function) ? function : throw new InvalidOperationException($"No function is named {name}.");

    public static IReadOnlyList<FunctionEntry> Discover(Assembly assembly) =>
    [
        .. from type in assembly.GetTypes()
           from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
           let function = method.GetCustomAttribute<FunctionAttribute>()
           where function is not null
           orderby function.Name
           select new FunctionEntry(function.Name, method, TriggerOf(method)),
    ];

    private static TriggerBindingAttribute TriggerOf(MethodInfo method) =>
        method.GetParameters().Select(p => p.GetCustomAttribute<TriggerBindingAttribute>()).SingleOrDefault(a => a is not null)
        ?? throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} has no trigger parameter.");
}
