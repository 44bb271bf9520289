using Microsoft.Azure.Functions.Worker;
using PaymentFunctions.Http;

namespace PaymentFunctions.Hosting.Standalone;

/// The HTTP functions on Kestrel, one endpoint per [HttpTrigger], on the route and methods the Functions host
/// would serve them on (host.json's route prefix included).
public static class StandaloneHttpFunctions
{
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder app, string routePrefix)
    {
        foreach (var function in FunctionCatalog.All.Where(f => f.Http is not null))
        {
            var template = function.RouteTemplate(routePrefix);
            var endpoint = function.Http!.Methods is { Length: > 0 } methods
                ? app.MapMethods(template, methods.Select(m => m.ToUpperInvariant()), http => InvokeAsync(function, http))
                : app.Map(template, http => InvokeAsync(function, http));
            endpoint.WithName(function.Name).WithDisplayName(function.Name);
        }

        return app;
    }

    private static async Task InvokeAsync(FunctionEntry function, HttpContext http)
    {
        if (await http.RequestServices.GetRequiredService<FunctionAuthorization>().DenyAsync(function.Method, http) is { } denied)
        {
            await denied.ExecuteAsync(http);
            return;
        }

        var result = await FunctionInvoker.InvokeAsync(function, http.RequestServices, p => p.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => http.Request,
            var t when t == typeof(CancellationToken) => http.RequestAborted,
            var t when t == typeof(FunctionContext) => new StandaloneFunctionContext(function.Name, http.RequestServices, RouteData(http), http.RequestAborted),
            var t when t == typeof(string) && http.Request.RouteValues.TryGetValue(p.Name!, out var value) => value?.ToString(),
            _ => throw FunctionInvoker.Unbindable(function, p),
        });
        if (result is IResult answer)
        {
            await answer.ExecuteAsync(http);
        }
    }

    private static Dictionary<string, object?> RouteData(HttpContext http) =>
        http.Request.RouteValues.ToDictionary(kv => kv.Key, kv => (object?)kv.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
}
