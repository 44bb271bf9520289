using BenchmarkDotNet.Attributes;
using PaymentFunctions.Clients.Stripe;
using PaymentFunctions.Payments.Events;
using PaymentFunctions.Webhooks;

namespace PaymentFunctions.Bench.Micro;

/// The CPU work of one webhook before any I/O: signature check, then parse and map.
[MemoryDiagnoser]
public class WebhookBenchmarks
{
    private StripeSignatureVerifier _verifier = null!;
    private byte[] _body = null!;
    private string _header = null!;

    [Params(2 * 1024, 64 * 1024)]
    public int BodyBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _verifier = new StripeSignatureVerifier([BenchData.Secret], TimeSpan.FromSeconds(300), new FixedTime(BenchData.Now));
        _body = BenchData.SucceededEvent(BodyBytes);
        _header = BenchData.SignatureHeader(_body, BenchData.Now.ToUnixTimeSeconds());
        var reason = Verify();
        if (reason is not null || ParseAndMap() is not PaymentSucceeded)
        {
            throw new InvalidOperationException($"Benchmark input is not a valid signed payment_intent.succeeded: {reason}");
        }
    }

    [Benchmark]
    public string? Verify() => _verifier.Verify(_header, _body);

    [Benchmark]
    public PaymentEvent? ParseAndMap() => StripeEventMapper.Map(StripeEvent.Parse(_body), BenchData.BookingId);
}
