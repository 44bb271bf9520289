using System.Security.Cryptography;
using System.Text;
using CsCheck;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Fuzz;

/// Bearer tokens an attacker would try: not JWTs at all, alg "none", another algorithm or key, a tampered
/// payload under the original signature, wrong issuer, audience or lifetime, a crit header, huge tokens - and
/// validly signed tokens whose sub is hostile (what a compromised or careless identity provider could issue).
public static class HostileTokens
{
    public sealed record Token(string Name, string Value, bool ValidlySigned)
    {
        public override string ToString() => $"{Name} ({FuzzAnswers.Shorten(Value)})";
    }

    public static Gen<Token> For(string userId) => Gen.OneOf(
        Gen.OneOf<string>("", "Bearer", "null", "a.b.c", "a.b", "....", "eyJ", new string('A', 6000)).Select(t => new Token("not a JWT", t, false)),
        Gen.Const(new Token("alg none", Jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", Payload(userId), null), false)),
        Gen.OneOf<string>("HS512", "RS256", "ES256", "PS256", "hs256").Select(alg => new Token($"alg {alg} with the dev key", Jwt($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}", Payload(userId), TestTokens.SigningKey), false)),
        Gen.Const(new Token("another key", Jwt(Header, Payload(userId), "an-attacker-signing-key-0123456789-0123456789"), false)),
        Gen.Const(new Token("tampered payload", Tampered(userId), false)),
        Gen.OneOf<string>(Payload(userId, issuer: "https://evil.example"), Payload(userId, audience: "other"), Payload(userId, expires: -60), Payload(userId, notBefore: 3600), Payload(userId, withExpiry: false))
            .Select(p => new Token("bad claims", Jwt(Header, p, TestTokens.SigningKey), false)),
        Gen.Const(new Token("crit header", Jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"x\"],\"x\":1}", Payload(userId), TestTokens.SigningKey), false)),
        Gen.OneOf<string>("{\"alg\":\"HS256\",\"kid\":\"../../etc/passwd\"}", "{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:1/jwks\"}", "{\"alg\":\"HS256\",\"alg\":\"none\"}")
            .Select(h => new Token("header injection", Jwt(h, Payload(userId), TestTokens.SigningKey), true)),
        HostileValues.Text.Select(sub => new Token("signed, hostile sub", Jwt(Header, PayloadRaw(HostileValues.Literal(sub)), TestTokens.SigningKey), true)),
        HostileValues.WrongType.Select(sub => new Token("signed, sub of another type", Jwt(Header, PayloadRaw(sub), TestTokens.SigningKey), true)));

    private const string Header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private static string Payload(string userId, string issuer = TestTokens.Issuer, string audience = TestTokens.Audience, int expires = 3600, int notBefore = -60, bool withExpiry = true)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{{\"sub\":{HostileValues.Literal(userId)},\"iss\":\"{issuer}\",\"aud\":\"{audience}\",\"nbf\":{now + notBefore}{(withExpiry ? $",\"exp\":{now + expires}" : "")}}}";
    }

    private static string PayloadRaw(string rawSub)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{{\"sub\":{rawSub},\"iss\":\"{TestTokens.Issuer}\",\"aud\":\"{TestTokens.Audience}\",\"nbf\":{now - 60},\"exp\":{now + 3600}}}";
    }

    private static string Tampered(string userId)
    {
        var parts = TestTokens.For(userId).Split('.');
        return $"{parts[0]}.{Base64Url(Encoding.UTF8.GetBytes(Payload("admin")))}.{parts[2]}";
    }

    public static string Jwt(string header, string payload, string? key)
    {
        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(header))}.{Base64Url(Encoding.UTF8.GetBytes(payload))}";
        var signature = key is null ? "" : Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(signingInput)));
        return $"{signingInput}.{signature}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
