using System.Diagnostics.CodeAnalysis;
using System.Net.Mime;
using System.Text.Json;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace DetainerGraph.Api;

/// <summary>
/// Banana Cake Pop, the GraphQL IDE, served from the GraphQL path itself, as HotChocolate does. A browser's
/// <c>GET /graphql</c> is redirected to <c>/graphql/</c>, because the IDE's page loads its scripts by
/// relative URLs; the files come from <c>bcp/</c> beside the binaries (Ide/BananaCakePop.targets puts them
/// there). Every request that is not a browser asking for the page (POST, <c>GET ?query=</c>, JSON Accept)
/// goes on to the GraphQL endpoint untouched.
/// </summary>
public static partial class BananaCakePop
{
    public const string EnabledKey = "GraphQL:Ide:Enabled";
    public const string FilesFolder = "bcp";

    /// <summary>
    /// What the IDE reads from <c>&lt;page&gt;/bcp-config.json</c> at start: query the page's own URL (its
    /// trailing slash stripped, so <c>/graphql/</c> queries <c>/graphql</c>), and never post to
    /// telemetry.chillicream.com, which this server's users never agreed to. (Google's tag manager loads
    /// only with a <c>gaTrackingId</c>, which is not set.)
    /// </summary>
    internal static readonly object Config = new { useBrowserUrlAsEndpoint = true, disableTelemetry = true };

    /// <summary>
    /// Sent with the IDE's page and every file of it, never with GraphQL answers (a JSON client has no use for
    /// it). The IDE may keep an editor's Bearer token in its saved headers, so no other site may frame it
    /// (clickjacking), and as it loads nothing from elsewhere everything else is held to this origin. What BCP 18
    /// needs beyond that, as Chromium reported it: <c>'unsafe-eval'</c> (it calls <c>new Function</c>), inline
    /// styles (its UI library writes style elements and attributes) and <c>data:</c> images (Monaco draws the
    /// squiggle under an error as one).
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseBananaCakePop(this IApplicationBuilder app, string path = "/graphql")
    {
        var services = app.ApplicationServices;
        // The IDE reads the schema by introspection: without it there is nothing for the IDE to show.
        if (!services.GetRequiredService<IConfiguration>().GetValue(EnabledKey, true)
            || !services.GetRequiredService<GraphQLServerOptions>().EnableIntrospection)
        {
            return app;
        }
        var root = Path.Combine(AppContext.BaseDirectory, FilesFolder);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BananaCakePop).FullName!);
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            // The build always copies the files; a hand-assembled deployment may not, and the API still works.
            LogFilesMissing(logger, root);
            return app;
        }

        var mount = new PathString(path.TrimEnd('/'));
        var files = new PhysicalFileProvider(root);
        var config = JsonSerializer.SerializeToUtf8Bytes(Config);
        // The main script with the Schema Reference fix (Ide/BananaCakePopPatch.cs); null serves it unchanged.
        var patchedScript = Ide.BananaCakePopPatch.Load(root, logger);
        app.Use(async (http, next) =>
        {
            var request = http.Request;
            if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                || !request.Path.StartsWithSegments(mount, out var rest))
            {
                await next(http);
                return;
            }
            if (!rest.HasValue)
            {
                if (IsPageRequest(request))
                {
                    http.Response.Redirect(request.PathBase + mount + "/" + request.QueryString);
                    return;
                }
                await next(http);
                return;
            }
            // Everything below the mount is the IDE's: its page, its files, and the 404 for a file it lacks.
            // X-Frame-Options is for browsers that predate frame-ancestors.
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "SAMEORIGIN";
            headers.XContentTypeOptions = "nosniff";
            if (rest == "/" || rest == "/index.html")
            {
                // Not cached, so that an upgraded IDE's new script names are picked up at once.
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.ContentType = MediaTypeNames.Text.Html + "; charset=utf-8";
                await http.Response.SendFileAsync(files.GetFileInfo("index.html"), http.RequestAborted);
            }
            else if (rest == "/bcp-config.json")
            {
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.ContentType = MediaTypeNames.Application.Json;
                await http.Response.Body.WriteAsync(config, http.RequestAborted);
            }
            else if (patchedScript is { } script && rest == script.Path)
            {
                http.Response.ContentType = "text/javascript";
                await http.Response.Body.WriteAsync(script.Content, http.RequestAborted);
            }
            else
            {
                await next(http);
            }
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = mount,
            FileProvider = files,
            ContentTypeProvider = new LicenseAwareContentTypes(),
        });
        return app;
    }

    /// <summary>
    /// A browser navigating to the page: no <c>query</c> parameter (a GET with one is a GraphQL request) and
    /// an Accept that ranks text/html above every JSON type it names. Browsers send
    /// <c>text/html,...,*/*;q=0.8</c>; GraphQL clients name a JSON type or nothing, and a tie goes to GraphQL.
    /// </summary>
    internal static bool IsPageRequest(HttpRequest request)
    {
        if (request.Query.ContainsKey("query"))
        {
            return false;
        }
        double html = 0, json = 0;
        foreach (var type in request.GetTypedHeaders().Accept)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals(MediaTypeNames.Text.Html, StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (type.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals(GraphQLHttpEndpoint.GraphQLResponseJson, StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }
        return html > 0 && html > json;
    }

    /// <summary>The package's LICENSE has no extension, which static files would refuse; it must be served with the IDE.</summary>
    private sealed class LicenseAwareContentTypes : IContentTypeProvider
    {
        private readonly FileExtensionContentTypeProvider _byExtension = new();

        public bool TryGetContentType(string subpath, [MaybeNullWhen(false)] out string contentType)
        {
            if (Path.GetFileName(subpath) == "LICENSE")
            {
                contentType = MediaTypeNames.Text.Plain + "; charset=utf-8";
                return true;
            }
            return _byExtension.TryGetContentType(subpath, out contentType);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Banana Cake Pop is not served: its files are missing from {Directory}")]
    private static partial void LogFilesMissing(ILogger logger, string directory);
}
