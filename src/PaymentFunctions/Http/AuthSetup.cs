using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PaymentFunctions.Http;

/// Bearer JWTs for the SPA functions and CORS for the SPA's origins. The functions apply the policy themselves
/// (FunctionAuthorization, from each function's [Authorize]), which also answers 401/403 as problem+json; CORS is ASP.NET Core's only when standalone.
public static class AuthSetup
{
    public const string SpaPolicy = "spa";
    public const string PaymentsAdminPolicy = "payments-admin";
    public const string UserIdClaim = "sub";

    /// Entra ID puts a token's app roles in "roles"; development tokens do the same.
    public const string RolesClaim = "roles";
    public const string PaymentsAdminRole = "payments.admin";

    /// The "typ" headers taken: JWT (Entra's access tokens, the dev tokens) and at+jwt (RFC 9068 access tokens).
    public static readonly string[] TokenTypes = ["JWT", "at+jwt"];

    public static IServiceCollection AddSpaAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FunctionAuthorization>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // AddAuthentication also adds ASP.NET Core data protection, whose hosted service loads (on a first start,
        // creates and writes) an XML key ring on disk at every start. Bearer tokens protect no data: not started.
        foreach (var keyRingLoader in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            services.Remove(keyRingLoader);
        }
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) => ConfigureJwt(jwt, auth.Value));
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((authorization, auth) => AddPolicies(authorization, auth.Value));

        services.AddOptions<SpaCorsOptions>().BindConfiguration(SpaCorsOptions.Section)
            .Validate(o => o.AllowedOrigins.All(SpaCorsOptions.IsOrigin), "Cors:AllowedOrigins must hold origins only (scheme://host[:port], no path, no wildcard).")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SpaCorsOptions>>((cors, spa) => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(spa.Value.AllowedOrigins)
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete)
            .WithHeaders("Authorization", "Content-Type", IdempotencyKeys.HeaderName)
            .WithExposedHeaders(IdempotencyKeys.ReplayedHeader, "Location", "Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    /// SPA routes take a user's token for Auth:Audience with Auth:RequiredScope; staff routes a user's token for the
    /// staff audience with the staff role. With Auth:AdminAudience set, each refuses the other's tokens.
    private static void AddPolicies(AuthorizationOptions authorization, AuthOptions auth)
    {
        var spa = RequireUser(new UserTokenRequirement(auth.Audience, refusedAudience: auth.HasAdminAudience ? auth.AdminAudience : null, scope: auth.RequiredScope, role: null));
        authorization.AddPolicy(SpaPolicy, spa);
        // What a bare [Authorize] on a function means.
        authorization.DefaultPolicy = spa;
        authorization.AddPolicy(PaymentsAdminPolicy, RequireUser(new UserTokenRequirement(auth.StaffAudience, refusedAudience: auth.HasAdminAudience ? auth.Audience : null, scope: null, role: PaymentsAdminRole)));
    }

    private static AuthorizationPolicy RequireUser(UserTokenRequirement requirement) => new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser()
        .AddRequirements(requirement)
        .Build();

    /// The caller's user id; the SPA policy guarantees the claim exists.
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(UserIdClaim) ?? throw new InvalidOperationException("The endpoint is not protected by the SPA policy.");

    /// What IdentityModel lets through and a recipient must refuse: header extensions named in "crit" (RFC 7515
    /// 4.1.11; this API understands none), a "sub" that is not a string (RFC 7519 4.1.2; IdentityModel turns
    /// the number 1.5 into the claim "1.5", the same user as the string), and one holding control characters.
    private static Task RefuseUnsupportedTokens(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token)
        {
            return Task.CompletedTask;
        }

        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            context.Fail("The token's \"crit\" header names extensions this API does not understand.");
        }
        else if (!SubjectIsAString(token))
        {
            context.Fail("The token's \"sub\" is not a string.");
        }
        else if (token.Subject.Any(char.IsControl))
        {
            // No issuer of ours makes such a user id, and it would reach Stripe's metadata and our logs as it is
            // (fuzz finding: a NUL in "sub" became a form value Stripe's side cannot decode; seed aRMarke692f8).
            context.Fail("The token's \"sub\" holds control characters.");
        }

        return Task.CompletedTask;
    }

    private static bool SubjectIsAString(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        return !payload.RootElement.TryGetProperty(UserIdClaim, out var subject) || subject.ValueKind == JsonValueKind.String;
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, AuthOptions auth)
    {
        // Keep "sub" as "sub": the default mapping renames it to a long WS-Federation claim type.
        jwt.MapInboundClaims = false;
        jwt.Events = new JwtBearerEvents { OnTokenValidated = RefuseUnsupportedTokens };
        var parameters = jwt.TokenValidationParameters;
        // Either audience authenticates; the route's policy (UserTokenRequirement) then takes only its own. Compared
        // exactly there, so exactly here too (IdentityModel would otherwise let "aud/" pass for "aud").
        parameters.ValidAudiences = auth.HasAdminAudience ? [auth.Audience, auth.AdminAudience!] : [auth.Audience];
        parameters.IgnoreTrailingSlashWhenValidatingAudience = false;
        parameters.ValidateAudience = true;
        parameters.ValidateIssuer = true;
        parameters.ValidateLifetime = true;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.ClockSkew = TimeSpan.FromMinutes(1);
        parameters.NameClaimType = UserIdClaim;
        parameters.RoleClaimType = RolesClaim;
        // RFC 8725 3.11: a token says what it is in "typ" (access tokens: JWT from Entra, at+jwt per RFC 9068); one
        // without it, or another kind of JWT (a logout token's logout+jwt, a DPoP proof's dpop+jwt), is refused.
        parameters.ValidTypes = TokenTypes;

        if (auth.Authority is { } authority)
        {
            // The discovery document supplies the issuer and its signing keys.
            jwt.Authority = authority.ToString();
            jwt.RequireHttpsMetadata = !authority.IsLoopback;
            // RS256 only (what Entra signs access tokens with): an HS256 token cannot be checked against the
            // issuer's public keys (the classic confusion), nor another algorithm slip through with them.
            parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        }

        // Dev tokens only where no real issuer is configured: one scheme cannot tie the symmetric key to the dev
        // issuer, so with both, a dev-signed token could claim the real issuer. The stand-in guard (Hosting/StandIns)
        // refuses to start with the key outside Development or with live Stripe.
        if (auth.HasDevSigningKey && auth.Authority is null)
        {
            parameters.ValidIssuers = [AuthOptions.DevIssuer];
            parameters.IssuerSigningKeys = [new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.DevSigningKey!))];
            // HS256 only: not HS384/HS512 under the same key, and no RS256, ES256 or "none" token against it.
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
    }
}
