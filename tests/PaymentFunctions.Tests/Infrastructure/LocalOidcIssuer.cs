using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PaymentFunctions.Tests.Infrastructure;

/// An OpenID Connect issuer on 127.0.0.1, found by the app the way it finds Entra ID: Auth:Authority's discovery
/// document (/.well-known/openid-configuration) names the issuer and its JWKS, whose RSA key signs the tokens
/// (RS256, "typ" JWT, like Entra's access tokens). Auth:Authority may be plain http on loopback only.
public sealed class LocalOidcIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalOidcIssuer(WebApplication app, string authority, RsaSecurityKey key)
    {
        _app = app;
        Authority = authority;
        Key = key;
    }

    public string Authority { get; }

    /// The private key behind the published JWKS.
    public RsaSecurityKey Key { get; }

    public SigningCredentials Signing(string algorithm = SecurityAlgorithms.RsaSha256) => new(Key, algorithm);

    public static async Task<LocalOidcIssuer> StartAsync()
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "local-oidc-key-1" };
        var published = key.Rsa.ExportParameters(includePrivateParameters: false);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var authority = url + "/tenant/v2.0";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add(url);
        app.MapGet("/tenant/v2.0/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = authority,
            ["jwks_uri"] = authority + "/discovery/keys",
            ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        }));
        app.MapGet("/tenant/v2.0/discovery/keys", () => Results.Json(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["kid"] = key.KeyId,
                    ["n"] = Base64UrlEncoder.Encode(published.Modulus), ["e"] = Base64UrlEncoder.Encode(published.Exponent),
                },
            },
        }));
        await app.StartAsync();
        return new LocalOidcIssuer(app, authority, key);
    }

    /// A token of this issuer: a user's delegated token (its scopes in "scp"; none: an application's own token),
    /// signed RS256 with the published key unless <paramref name="signing"/> says otherwise.
    public string Token(string userId, string audience, string? scope = TestTokens.Scope, string[]? roles = null, Dictionary<string, object>? claims = null, SigningCredentials? signing = null)
    {
        var all = new Dictionary<string, object>(claims ?? []) { ["sub"] = userId };
        if (scope is not null)
        {
            all["scp"] = scope;
        }

        if (roles is not null)
        {
            all["roles"] = roles;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = audience,
            Claims = all,
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = signing ?? Signing(),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
