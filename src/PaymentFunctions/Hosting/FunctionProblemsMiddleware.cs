using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using PaymentFunctions.Http;

namespace PaymentFunctions.Hosting;

/// Under the Functions host: an HTTP function that throws answers problem+json, as UseProblemDetailsResponses
/// makes the standalone host answer. The exception's message is logged, never sent. Other triggers rethrow, so
/// the invocation fails (Service Bus redelivers, the timer runs again at its next occurrence).
public sealed class FunctionProblemsMiddleware(ILogger<FunctionProblemsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false })
        {
            logger.LogError(ex, "Function {Function} failed: {Error}", context.FunctionDefinition.Name, ex.Message);
            context.GetInvocationResult().Value = TypedResults.Problem(statusCode: ProblemDetailsSetup.StatusFor(ex));
        }
    }
}
