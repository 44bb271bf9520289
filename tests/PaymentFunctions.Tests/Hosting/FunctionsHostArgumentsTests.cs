using PaymentFunctions.Hosting;

namespace PaymentFunctions.Tests.Hosting;

public sealed class FunctionsHostArgumentsTests
{
    public static TheoryData<string[], bool> Arguments => new()
    {
        { ["--functions-uri", "http://127.0.0.1:5000/", "--functions-worker-id", "w"], true },
        { ["--functions-uri=http://127.0.0.1:5000/"], true },
        { ["--host", "127.0.0.1", "--port", "5000", "--workerId", "w", "--requestId", "r"], true },
        { [], false },
        { ["--urls", "http://127.0.0.1:7071", "--contentRoot", "/app"], false },
        { ["--host", "127.0.0.1", "--port", "5000"], false }, // not the host's set: no worker id
    };

    [Theory]
    [MemberData(nameof(Arguments))]
    public void OnlyTheArgumentsTheFunctionsHostPassesSelectTheWorkerPath(string[] args, bool worker) =>
        Assert.Equal(worker, FunctionsHostArguments.StartedByFunctionsHost(args));
}
