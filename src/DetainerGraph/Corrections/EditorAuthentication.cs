using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using DetainerGraph.Data;
using GraphQL;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DetainerGraph.Corrections;

/// <summary>The <c>Auth</c> configuration section: who issues editors' tokens, for whom, and the HS256 key.</summary>
public sealed class AuthOptions
{
    public string Issuer { get; set; } = "DetainerGraph";
    public string Audience { get; set; } = "DetainerGraph";
    /// <summary>The symmetric signing key, at least 32 bytes of UTF-8 and not guessable (<see cref="SigningKeyStrength"/>). Never committed: set it by environment or user secrets.</summary>
    public string? SigningKey { get; set; }
}

/// <summary>
/// The key that signs and checks editors' JSON Web Tokens, and the minting of them. The key is
/// <c>Auth:SigningKey</c>; without one, in Development only, a random key is made once and kept in
/// <c>Storage:Directory/dev-signing-key</c>, so the server and the <c>token</c> command agree on it without
/// any key in the repository. Elsewhere no key means no token is valid: every write is refused.
/// </summary>
public sealed partial class EditorTokens
{
    public const string EditorRole = "editor";
    public const string DevelopmentKeyFile = "dev-signing-key";

    private readonly AuthOptions _options;

    public EditorTokens(IConfiguration configuration, IHostEnvironment environment, StorageOptions storage, ILogger<EditorTokens> logger)
    {
        _options = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        SigningKey = ReadKey(_options.SigningKey, environment, storage, logger);
    }

    public string Issuer => _options.Issuer;
    public string Audience => _options.Audience;

    /// <summary>Null when no key is configured outside Development: no token can be valid.</summary>
    public SymmetricSecurityKey? SigningKey { get; }

    private static SymmetricSecurityKey? ReadKey(string? configured, IHostEnvironment environment, StorageOptions storage, ILogger logger)
    {
        if (configured is { Length: > 0 })
        {
            return SigningKeyStrength.Problem(configured) is { } problem
                ? throw new InvalidOperationException($"Auth:SigningKey is refused: {problem}. Use a random key, e.g. `openssl rand -base64 48`.")
                : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }
        if (!environment.IsDevelopment())
        {
            LogNoKey(logger);
            return null;
        }
        var path = Path.Combine(storage.Directory, DevelopmentKeyFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(storage.Directory);
            // Readable by its owner only, from the moment it exists: created 0600, never chmod-ed after the write.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var file = new StreamWriter(path, Encoding.ASCII, create))
            {
                file.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
            }
            LogDevelopmentKeyCreated(logger, path);
        }
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim()));
    }

    /// <summary>A signed token for <paramref name="name"/> with <paramref name="roles"/>, valid from <paramref name="notBefore"/> (now) for <paramref name="lifetime"/>.</summary>
    public string Mint(string name, IReadOnlyCollection<string> roles, TimeSpan lifetime, DateTime? notBefore = null)
    {
        var key = SigningKey ?? throw new InvalidOperationException("No signing key: set Auth:SigningKey (or run in Development, which makes one).");
        var start = notBefore ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = start + lifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = name,
                [JwtRegisteredClaimNames.Name] = name,
                ["role"] = roles.ToArray(),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>How the JWT bearer handler checks tokens: this key, issuer and audience, HS256 only, little clock skew.</summary>
    public void Configure(JwtBearerOptions options)
    {
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = SigningKey,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = JwtRegisteredClaimNames.Name,
            RoleClaimType = "role",
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:SigningKey is not set: every correction (mutation) will be refused until it is")]
    private static partial void LogNoKey(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Development: made a signing key for editors' tokens at {Path} (set Auth:SigningKey to use your own)")]
    private static partial void LogDevelopmentKeyCreated(ILogger logger, string path);
}

/// <summary>The check every mutation makes first: a valid token whose holder has the editor role.</summary>
public static class EditorAuthorization
{
    /// <summary>Returns the editor's name, or throws an error whose code says what is missing; nothing has been read or written yet.</summary>
    public static Task<string> RequireEditorAsync(this IResolveFieldContext context) => RequireEditorAsync(context.RequestServices!);

    /// <inheritdoc cref="RequireEditorAsync(IResolveFieldContext)"/>
    public static async Task<string> RequireEditorAsync(IServiceProvider services)
    {
        if (services.GetRequiredService<EditorTokens>().SigningKey is null)
        {
            throw new ExecutionError("This server accepts no tokens (Auth:SigningKey is not set), so it takes no corrections.") { Code = "AUTH_NOT_CONFIGURED" };
        }
        var http = services.GetRequiredService<IHttpContextAccessor>().HttpContext
            ?? throw new InvalidOperationException("Mutations run inside an HTTP request.");
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (result.None)
        {
            throw new ExecutionError("Corrections need an editor's token: send `Authorization: Bearer <token>`.") { Code = "AUTH_NOT_AUTHENTICATED" };
        }
        if (!result.Succeeded)
        {
            throw result.Failure is SecurityTokenExpiredException
                ? new ExecutionError("The token has expired: get a new one.") { Code = "AUTH_TOKEN_EXPIRED" }
                : new ExecutionError("The token is not valid here (signature, issuer, audience or format).") { Code = "AUTH_INVALID_TOKEN" };
        }
        var user = result.Principal!;
        if (!user.IsInRole(EditorTokens.EditorRole))
        {
            throw new ExecutionError($"Corrections need the `{EditorTokens.EditorRole}` role, which this token does not carry.") { Code = "AUTH_NOT_AUTHORIZED" };
        }
        return user.Identity?.Name ?? user.FindFirstValue(JwtRegisteredClaimNames.Sub)
            ?? throw new ExecutionError("The token names no one (no `name` or `sub` claim).") { Code = "AUTH_INVALID_TOKEN" };
    }
}

internal sealed class JwtBearerFromEditorTokens(EditorTokens tokens) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options) => tokens.Configure(options);

    public void Configure(JwtBearerOptions options) => tokens.Configure(options);
}
