using Microsoft.Azure.Functions.Worker.Builder;
using PaymentFunctions;
using PaymentFunctions.Hosting;
using PaymentFunctions.Hosting.Standalone;

if (FunctionsHostArguments.StartedByFunctionsHost(args))
{
    // Under the Functions host: the isolated worker, HTTP through its ASP.NET Core integration.
    var worker = FunctionsApplication.CreateBuilder(args);
    worker.ConfigureFunctionsWebApplication();
    worker.UseMiddleware<FunctionProblemsMiddleware>();
    worker.UseMiddleware<FunctionAuthorizationMiddleware>();
    worker.Services.AddPaymentFunctions(worker.Configuration);
    worker.Services.AddMetricsExport(worker.Configuration);
    worker.AddAzureMonitor();
    worker.Build().Run();
}
else
{
    // Standalone (./run.sh, tests, CI): the same functions behind Kestrel.
    var builder = WebApplication.CreateBuilder(args);
    builder.Services.AddPaymentFunctions(builder.Configuration);
    builder.Services.AddStandaloneHost(builder.Configuration);
    var app = builder.Build();
    app.UseStandaloneHost();
    app.Run();
}

/// Visible to WebApplicationFactory in the tests.
public partial class Program;
