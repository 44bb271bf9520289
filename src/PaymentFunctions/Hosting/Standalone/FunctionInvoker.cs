using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Azure.Functions.Worker;

namespace PaymentFunctions.Hosting.Standalone;

/// Calls a function the way the worker does: a new instance of its class per invocation, built from the
/// invocation's services, its parameters bound from what the trigger delivers. A throw is a failed invocation.
public static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(FunctionEntry function, IServiceProvider services, Func<ParameterInfo, object?> bind)
    {
        var instance = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Method.DeclaringType!);
        var arguments = Array.ConvertAll(function.Method.GetParameters(), p => bind(p));
        object? returned;
        try
        {
            returned = function.Method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        var returnType = function.Method.ReturnType;
        return returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? returnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
            : null;
    }

    /// A non-HTTP trigger's invocation: the trigger parameter gets the payload, FunctionContext the binding data.
    public static async Task InvokeTriggerAsync(
        FunctionEntry function, IServiceProvider rootServices, object? payload, IReadOnlyDictionary<string, object?> bindingData, CancellationToken cancellationToken)
    {
        await using var scope = rootServices.CreateAsyncScope();
        var context = new StandaloneFunctionContext(function.Name, scope.ServiceProvider, bindingData, cancellationToken);
        await InvokeAsync(function, scope.ServiceProvider, p => p.ParameterType switch
        {
            var t when t == typeof(FunctionContext) => context,
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when p.GetCustomAttribute<Microsoft.Azure.Functions.Worker.Extensions.Abstractions.TriggerBindingAttribute>() is not null => Convert(payload, t),
            _ => throw Unbindable(function, p),
        });
    }

    private static object? Convert(object? payload, Type type) => payload switch
    {
        byte[] bytes when type == typeof(string) => System.Text.Encoding.UTF8.GetString(bytes),
        _ => payload,
    };

    public static InvalidOperationException Unbindable(FunctionEntry function, ParameterInfo parameter) =>
        new($"The standalone host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}) of function {function.Name}.");
}
