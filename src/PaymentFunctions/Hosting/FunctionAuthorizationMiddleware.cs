using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using PaymentFunctions.Http;

namespace PaymentFunctions.Hosting;

/// Under the Functions host: checks an HTTP function's declared [Authorize] before it runs (the standalone host
/// makes the same call in StandaloneHttpFunctions). A refusal is the invocation's result; the function never runs.
public sealed class FunctionAuthorizationMiddleware(FunctionAuthorization authorization) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http
            && await authorization.DenyAsync(FunctionCatalog.Named(context.FunctionDefinition.Name).Method, http) is { } denied)
        {
            context.GetInvocationResult().Value = denied;
            return;
        }

        await next(context);
    }
}
