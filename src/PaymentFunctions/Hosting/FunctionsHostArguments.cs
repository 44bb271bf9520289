namespace PaymentFunctions.Hosting;

/// Whether the Functions host started this process. The host passes --functions-uri (the worker maps it to
/// Functions:Worker:HostEndpoint) and, for older workers, --host/--port/--workerId as well; in placeholder mode
/// the native host sets the AppContext value AZURE_FUNCTIONS_NATIVE_HOST. FUNCTIONS_WORKER_RUNTIME and WEBSITE_*
/// say nothing: developers set them too.
public static class FunctionsHostArguments
{
    public static bool StartedByFunctionsHost(string[] args) =>
        AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null
        || Has(args, "--functions-uri")
        || (Has(args, "--host") && Has(args, "--port") && Has(args, "--workerId"));

    private static bool Has(string[] args, string name) =>
        args.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase) || a.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase));
}
