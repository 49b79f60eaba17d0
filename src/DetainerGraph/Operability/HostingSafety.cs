using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DetainerGraph.Operability;

/// <summary>
/// Which environment the process runs in, and the hosting defaults that keep a server from saying more than it must.
/// <list type="bullet">
/// <item><c>dotnet run</c>'s launch profile sets <see cref="DefaultEnvironmentVariable"/> (never
/// <c>ASPNETCORE_ENVIRONMENT</c>, which a launch profile would force over the caller's own): it applies only when
/// neither <c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c> nor <c>--environment</c> names one, so
/// <c>ASPNETCORE_ENVIRONMENT=Production dotnet run</c> runs in Production and a bare <c>dotnet run</c> in Development.</item>
/// <item>No <c>Server: Kestrel</c> header.</item>
/// <item>Development (exception details, any CORS origin, a generated signing key) served on an address other than
/// loopback logs a warning at start.</item>
/// </list>
/// </summary>
public static partial class HostingSafety
{
    public const string DefaultEnvironmentVariable = "DETAINERGRAPH_DEFAULT_ENVIRONMENT";

    /// <summary>The environment to run in when nothing names one explicitly, else null (the host's own rules apply).</summary>
    public static string? DefaultEnvironment(string[] args)
    {
        var named = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))
            || args.Any(a => a.StartsWith("--environment", StringComparison.OrdinalIgnoreCase) || a.StartsWith("/environment", StringComparison.OrdinalIgnoreCase));
        return named ? null : Environment.GetEnvironmentVariable(DefaultEnvironmentVariable) is { Length: > 0 } fallback ? fallback : null;
    }

    public static WebApplicationBuilder AddHostingSafety(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    /// <summary>Logs a warning when Development listens beyond loopback; call once the server has started.</summary>
    public static void WarnIfDevelopmentIsExposed(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
        if (exposed.Count > 0)
        {
            LogExposedDevelopment(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DetainerGraph.Hosting"), string.Join(", ", exposed));
        }
    }

    /// <summary>Whether a listening address (<c>http://localhost:5080</c>, <c>http://+:8080</c>, <c>http://[::]:80</c>) is reachable only from this machine.</summary>
    public static bool IsLoopback(string address)
    {
        var host = address;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }
        if (host.StartsWith('['))
        {
            host = host[1..host.IndexOf(']', StringComparison.Ordinal)];
        }
        else if (host.LastIndexOf(':') is var colon and > 0)
        {
            host = host[..colon];
        }
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
        Message = "Development environment listening beyond loopback ({Addresses}): exception details and any CORS origin are served to other machines. Set ASPNETCORE_ENVIRONMENT=Production for anything but local development.")]
    private static partial void LogExposedDevelopment(ILogger logger, string addresses);
}
