using System.ComponentModel.DataAnnotations;
using System.Text;

namespace PaymentFunctions.Http;

/// Section "Auth". In Azure the SPA's tokens come from an OIDC issuer (Entra ID or any other), found through
/// Authority's discovery document. In Development the app also accepts HS256 tokens signed with
/// DevSigningKey, so a developer can call the API without an identity provider.
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// The issuer of development tokens; nothing else signs with the dev key.
    public const string DevIssuer = "paymentfunctions-dev";

    /// The scope the API's app registration exposes for the SPA (Entra: "Expose an API"), unless Auth:RequiredScope says otherwise.
    public const string DefaultScope = "payments.access";

    /// HS256 needs a 256-bit key; IdentityModel refuses shorter ones at the first request, we refuse them at start.
    private const int MinDevKeyBytes = 32;

    public Uri? Authority { get; set; }

    [Required(ErrorMessage = "Auth:Audience is required (the API's application id URI or client id the SPA's tokens are issued for).")]
    public string Audience { get; set; } = "";

    /// The delegated scope every SPA route needs in the token's "scp" (Entra puts a user's granted scopes there,
    /// space-separated; an application's own token has none).
    public string RequiredScope { get; set; } = DefaultScope;

    /// The audience of staff tokens (e.g. a separate app registration for the staff tools), or none: then staff
    /// routes take tokens for Audience with the staff role. When set, each kind of route refuses the other's tokens.
    public string? AdminAudience { get; set; }

    public string? DevSigningKey { get; set; }

    public bool HasDevSigningKey => !string.IsNullOrEmpty(DevSigningKey);

    public bool HasAdminAudience => !string.IsNullOrEmpty(AdminAudience);

    /// The audience staff routes take.
    public string StaffAudience => HasAdminAudience ? AdminAudience! : Audience;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authority is null && !HasDevSigningKey)
        {
            yield return new ValidationResult(
                "Auth:Authority is required (the OIDC issuer of the SPA's tokens, e.g. https://login.microsoftonline.com/{tenant}/v2.0); in Development Auth:DevSigningKey may be used instead.");
        }

        if (Authority is { } authority && (!authority.IsAbsoluteUri || (authority.Scheme != Uri.UriSchemeHttps && !authority.IsLoopback)))
        {
            yield return new ValidationResult("Auth:Authority must be an absolute https URI.");
        }

        // RFC 6749 3.3: a scope token is printable ASCII without space, '"' or '\'; a space would make it two scopes.
        if (string.IsNullOrEmpty(RequiredScope) || !RequiredScope.All(c => c is >= '!' and <= '~' and not '"' and not '\\'))
        {
            yield return new ValidationResult($"Auth:RequiredScope must be one scope name (printable ASCII, no spaces, quotes or backslashes), e.g. {DefaultScope}.");
        }

        if (HasAdminAudience && AdminAudience == Audience)
        {
            yield return new ValidationResult("Auth:AdminAudience must differ from Auth:Audience; leave it out to let staff use Auth:Audience tokens.");
        }

        // The key itself never appears in a message.
        if (HasDevSigningKey && Encoding.UTF8.GetByteCount(DevSigningKey!) < MinDevKeyBytes)
        {
            yield return new ValidationResult($"Auth:DevSigningKey must be at least {MinDevKeyBytes} bytes long (HS256).");
        }
    }
}

/// Section "Cors": the SPA's origins, e.g. https://tickets.example.com. Nothing else may call the API from a browser.
public sealed class SpaCorsOptions
{
    public const string Section = "Cors";

    public string[] AllowedOrigins { get; set; } = [];

    public static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo)
        && !origin.EndsWith('/') && !origin.Contains('*', StringComparison.Ordinal);
}
