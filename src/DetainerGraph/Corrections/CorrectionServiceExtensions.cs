using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DetainerGraph.Corrections;

public static class CorrectionServiceExtensions
{
    /// <summary>
    /// Corrections as authenticated writes: JWT bearer tokens checked against <c>Auth:Issuer</c>,
    /// <c>Auth:Audience</c> and <c>Auth:SigningKey</c> (see <see cref="EditorTokens"/>), the writer, and the audit log.
    /// Reads stay public: only the mutations ask for a token.
    /// </summary>
    public static IHostApplicationBuilder AddCorrections(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddOptions<AuthOptions>().BindConfiguration("Auth")
            .Validate(o => string.IsNullOrEmpty(o.SigningKey) || SigningKeyStrength.Problem(o.SigningKey) is null,
                "Auth:SigningKey must be a random key of at least 32 bytes, not a placeholder or a pattern (e.g. `openssl rand -base64 48`).")
            .ValidateOnStart();
        services.AddSingleton<EditorTokens>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerFromEditorTokens>();
        services.AddScoped<CorrectionWriter>();
        services.AddSingleton<CorrectionAudit>();
        return builder;
    }
}
