using NCrontab;

namespace PaymentFunctions.Hosting.Standalone;

/// A timer trigger's schedule as the Functions host reads it: %Name% parts replaced by configuration values
/// (WebJobs' NameResolverExtensions.ResolveWholeString over IConfiguration[name]), then a six-field NCRONTAB
/// expression with seconds - the host's own parser (NCrontab) with the host's options.
public static class TimerSchedule
{
    public static CrontabSchedule Resolve(string functionName, string expression, IConfiguration configuration)
    {
        var resolved = ResolveSettings(functionName, expression, configuration);
        try
        {
            return CrontabSchedule.Parse(resolved, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        }
        catch (CrontabException ex)
        {
            throw new InvalidOperationException($"The schedule of timer function {functionName} ('{expression}' = '{resolved}') is not a six-field NCRONTAB expression: {ex.Message}", ex);
        }
    }

    private static string ResolveSettings(string functionName, string expression, IConfiguration configuration)
    {
        var parts = expression.Split('%');
        if (parts.Length % 2 == 0)
        {
            throw new InvalidOperationException($"The schedule of timer function {functionName} ('{expression}') has a '%' without its closing '%'.");
        }

        for (var i = 1; i < parts.Length; i += 2)
        {
            parts[i] = configuration[parts[i]] is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"The schedule of timer function {functionName} needs the setting {parts[i]} (app setting {parts[i].Replace(":", "__", StringComparison.Ordinal)}).");
        }

        return string.Concat(parts);
    }
}
