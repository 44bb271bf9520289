using System.Security.Cryptography;
using System.Text;
using CsCheck;
using PaymentFunctions.Tests.Infrastructure;

namespace PaymentFunctions.Tests.Fuzz;

/// Bearer tokens an attacker would try: not JWTs at all, alg "none", another algorithm or key, a tampered
/// payload under the original signature, wrong issuer, audience or lifetime, a crit header, huge tokens, another
/// kind of JWT ("typ"), an application's own token or one without the SPA's scope - and
/// validly signed tokens whose sub is hostile (what a compromised or careless identity provider could issue).
public static class HostileTokens
{
    /// A way to mint a token for a caller: the token, and the user it names when it is validly signed.
    public sealed record Token(string Name, Func<string, (string Jwt, string? User)> Mint)
    {
        public override string ToString() => Name;
    }

    public static readonly Gen<Token> Any = Gen.OneOf(
        Gen.OneOf<string>("", "Bearer", "null", "a.b.c", "a.b", "....", "eyJ", new string('A', 6000)).Select(t => Refused($"not a JWT: {FuzzAnswers.Shorten(t)}", _ => t)),
        Gen.Const(Refused("alg none", u => Jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", Payload(u), null))),
        Gen.OneOf<string>("HS512", "RS256", "ES256", "PS256", "hs256").Select(alg => Refused($"alg {alg} with the dev key", u => Jwt($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}", Payload(u), TestTokens.SigningKey))),
        Gen.Const(Refused("another key", u => Jwt(Header, Payload(u), "an-attacker-signing-key-0123456789-0123456789"))),
        Gen.Const(Refused("tampered payload", Tampered)),
        Gen.Int[0, 4].Select(i => Refused($"bad claims {i}", u => Jwt(Header, new[] { Payload(u, issuer: "https://evil.example"), Payload(u, audience: "other"), Payload(u, expires: -120), Payload(u, notBefore: 3600), Payload(u, withExpiry: false) }[i], TestTokens.SigningKey))),
        Gen.Const(Refused("crit header", u => Jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"x\"],\"x\":1}", Payload(u), TestTokens.SigningKey))),
        Gen.OneOf<string>("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"../../etc/passwd\"}", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"jku\":\"http://127.0.0.1:1/jwks\"}", "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"alg\":\"none\"}")
            .Select(h => new Token($"header {h}", u => (Jwt(h, Payload(u), TestTokens.SigningKey), u))),
        // Not an access token: no "typ", or another kind of JWT.
        Gen.OneOf<string>("{\"alg\":\"HS256\"}", "{\"alg\":\"HS256\",\"typ\":\"dpop+jwt\"}", "{\"alg\":\"HS256\",\"typ\":\"jwt\"}")
            .Select(h => Refused($"header {h}", u => Jwt(h, Payload(u), TestTokens.SigningKey))),
        // An application's own token (no "scp", or "idtyp": "app"), or a user's without the SPA's scope.
        Gen.OneOf<string>("", ",\"scp\":\"payments.access\",\"idtyp\":\"app\"", ",\"scp\":\"openid profile\"", ",\"scp\":\"\"")
            .Select(claims => Refused($"signed, claims {claims}", u => Jwt(Header, Payload(u, scope: null, extraClaims: claims), TestTokens.SigningKey))),
        // Unique per caller (its id first), hostile after it.
        HostileValues.Text.Select(hostile => new Token($"signed, sub + {HostileValues.Literal(FuzzAnswers.Shorten(hostile))}", u => (Jwt(Header, PayloadRaw(HostileValues.Literal(u + hostile)), TestTokens.SigningKey), u + hostile))),
        // RFC 7519 makes sub a string: a number or a boolean names no user; arrays and objects IdentityModel refuses itself.
        Gen.OneOf<string>("1.5", "42", "true", "-0").Select(sub => Refused($"signed, sub {sub}", _ => Jwt(Header, PayloadRaw(sub), TestTokens.SigningKey))),
        Gen.Const(Refused("signed, two subs", u => Jwt(Header, PayloadRaw($"[\"{u}\",\"{u}-2\"]"), TestTokens.SigningKey))));

    /// A token that names no user (if the app accepted one, what it stored would be explained by no caller).
    private static Token Refused(string name, Func<string, string> mint) => new(name, u => (mint(u), null));

    private const string Header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private static string Payload(string userId, string issuer = TestTokens.Issuer, string audience = TestTokens.Audience, int expires = 3600, int notBefore = -60, bool withExpiry = true, string? scope = TestTokens.Scope, string extraClaims = "")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{{\"sub\":{HostileValues.Literal(userId)},\"iss\":\"{issuer}\",\"aud\":\"{audience}\",\"nbf\":{now + notBefore}{(withExpiry ? $",\"exp\":{now + expires}" : "")}{(scope is null ? "" : $",\"scp\":\"{scope}\"")}{extraClaims}}}";
    }

    private static string PayloadRaw(string rawSub)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{{\"sub\":{rawSub},\"iss\":\"{TestTokens.Issuer}\",\"aud\":\"{TestTokens.Audience}\",\"nbf\":{now - 60},\"exp\":{now + 3600},\"scp\":\"{TestTokens.Scope}\"}}";
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
