using System.Text;
using BenchmarkDotNet.Attributes;
using PaymentFunctions.Contracts;
using PaymentFunctions.Webhooks;
using Stripe;

namespace PaymentFunctions.Bench.Micro;

/// The CPU work of one webhook before any I/O: signature check, then parse and map.
[MemoryDiagnoser]
public class WebhookBenchmarks
{
    private StripeSignatureVerifier _verifier = null!;
    private string _body = null!;
    private string _header = null!;

    [Params(2 * 1024, 64 * 1024)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _verifier = new StripeSignatureVerifier([BenchData.Secret], TimeSpan.FromSeconds(300), new FixedTime(BenchData.Now));
        var body = BenchData.SucceededEvent(BodyBytes);
        _body = Encoding.UTF8.GetString(body);
        _header = BenchData.SignatureHeader(body, BenchData.Now.ToUnixTimeSeconds());
        var reason = Verify();
        if (reason is not null || ParseAndMap() is not PaymentSucceeded)
        {
            throw new InvalidOperationException($"Benchmark input is not a valid signed payment_intent.succeeded: {reason}");
        }
    }

    [Benchmark]
    public string? Verify() => _verifier.Verify(_header, _body);

    [Benchmark]
    public PaymentEvent? ParseAndMap() => StripeEventMapper.Map(EventUtility.ParseEvent(_body, throwOnApiVersionMismatch: false), new BookingMatch(BenchData.BookingId, null));
}
