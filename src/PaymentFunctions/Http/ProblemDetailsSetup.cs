namespace PaymentFunctions.Http;

/// Every error answer is RFC 9457 problem+json with a trace id, and an unhandled exception never leaks its
/// message (it may carry internal detail) - it is logged and answered with a generic 500.
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddProblemDetailsResponses(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });

    public static WebApplication UseProblemDetailsResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
        });
        app.UseStatusCodePages();
        return app;
    }

    /// The status an unhandled exception answers with, in both modes.
    public static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        OperationCanceledException => StatusCodes.Status499ClientClosedRequest,
        _ => StatusCodes.Status500InternalServerError,
    };
}
