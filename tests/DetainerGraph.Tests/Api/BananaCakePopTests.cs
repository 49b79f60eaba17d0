using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DetainerGraph.Api;
using DetainerGraph.Ide;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DetainerGraph.Tests.Api;

public sealed partial class BananaCakePopTests
{
    /// <summary>What Chromium sends when a person opens the URL.</summary>
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private const string Chromium = "/usr/bin/chromium";

    private static HttpRequestMessage Get(string url, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        return request;
    }

    [Fact]
    public async Task A_browser_asking_for_graphql_is_redirected_to_the_ide_page()
    {
        using var app = new TestApp();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.SendAsync(Get("/graphql", BrowserAccept));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/graphql/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_ide_page_is_banana_cake_pop_with_its_scripts_and_license_beside_it()
    {
        using var app = new TestApp();
        using var client = app.CreateClient();

        // Following the redirect, as a browser does.
        using var page = await client.SendAsync(Get("/graphql", BrowserAccept));
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Banana Cake Pop</title>", html, StringComparison.Ordinal);
        var script = ScriptSource().Match(html);
        Assert.True(script.Success, "index.html names no main script");
        using var main = await client.GetAsync("/graphql/" + script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, main.StatusCode);
        Assert.Equal("text/javascript", main.Content.Headers.ContentType?.MediaType);

        var license = await client.GetStringAsync("/graphql/LICENSE");
        Assert.Contains("ChilliCream License 1.0", license, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ide_config_points_it_at_the_page_url_with_telemetry_off()
    {
        using var app = new TestApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/graphql/bcp-config.json");
        var config = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(config.GetProperty("useBrowserUrlAsEndpoint").GetBoolean());
        Assert.True(config.GetProperty("disableTelemetry").GetBoolean());
    }

    /// <summary>
    /// The IDE may keep an editor's Bearer token in its saved headers: its page and files forbid framing by other
    /// sites and hold it to this origin (the browser tests below check it runs under that policy); GraphQL answers,
    /// read by programs rather than rendered, are left as they were.
    /// </summary>
    [Fact]
    public async Task The_ide_page_and_files_carry_a_content_security_policy_and_graphql_answers_do_not()
    {
        using var app = new TestApp();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var html = await client.GetStringAsync("/graphql/");

        foreach (var url in new[] { "/graphql/", "/graphql/index.html", "/graphql/" + ScriptSource().Match(html).Groups[1].Value,
            "/graphql/service-worker.js", "/graphql/bcp-config.json", "/graphql/favicon.svg" })
        {
            using var response = await client.SendAsync(Get(url, BrowserAccept));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([BananaCakePop.ContentSecurityPolicy], response.Headers.GetValues("Content-Security-Policy"));
            Assert.Equal(["SAMEORIGIN"], response.Headers.GetValues("X-Frame-Options"));
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        }

        Assert.Contains("frame-ancestors 'self'", BananaCakePop.ContentSecurityPolicy, StringComparison.Ordinal);

        using var post = await client.PostAsync("/graphql",
            new StringContent("""{"query":"{ weeks { totalCount } }"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        using var get = await client.SendAsync(Get("/graphql?query=%7B%20weeks%20%7B%20totalCount%20%7D%20%7D", BrowserAccept));
        using var noQuery = await client.SendAsync(Get("/graphql", "application/json"));
        foreach (var answer in new[] { post, get, noQuery })
        {
            Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
            Assert.False(answer.Headers.Contains("Content-Security-Policy"));
            Assert.False(answer.Headers.Contains("X-Frame-Options"));
        }
    }

    [Theory]
    [InlineData("/graphql?query=%7B%20weeks%20%7B%20totalCount%20%7D%20%7D", BrowserAccept)]
    [InlineData("/graphql?query=%7B%20weeks%20%7B%20totalCount%20%7D%20%7D", null)]
    [InlineData("/graphql?query=%7B%20weeks%20%7B%20totalCount%20%7D%20%7D", "application/json, text/html")]
    public async Task A_get_with_a_query_is_still_graphql_whatever_it_accepts(string url, string? accept)
    {
        using var app = new TestApp();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.SendAsync(Get(url, accept));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, body.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/graphql-response+json, text/html;q=0.5")]
    public async Task A_get_without_a_query_that_prefers_json_reaches_the_endpoint(string accept)
    {
        using var app = new TestApp();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.SendAsync(Get("/graphql", accept));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        // The endpoint's own answer to a GET with no query, not the IDE.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_REQUEST", body.FirstErrorCode());
    }

    [Fact]
    public async Task A_json_post_still_executes_graphql()
    {
        using var app = new TestApp();
        await app.ImportSampleFileAsync("ddor_reports.csv");

        var data = await app.DataAsync("{ weeks { totalCount } }");

        Assert.Equal(3, data.GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Switched_off_the_ide_is_not_served()
    {
        using var app = new TestApp();
        using var off = app.WithWebHostBuilder(b => b.UseSetting(BananaCakePop.EnabledKey, "false"));
        using var client = off.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var page = await client.SendAsync(Get("/graphql", BrowserAccept));
        using var slashed = await client.SendAsync(Get("/graphql/", BrowserAccept));
        using var config = await client.GetAsync("/graphql/bcp-config.json");
        using var post = await client.PostAsync("/graphql",
            new StringContent("""{"query":"{ weeks { totalCount } }"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

        Assert.Equal("application/json", page.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Banana Cake Pop", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Banana Cake Pop", await slashed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, config.StatusCode);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Theory]
    [InlineData(BrowserAccept, true)]
    [InlineData("text/html", true)]
    [InlineData("text/html, application/json;q=0.9", true)]
    [InlineData("application/json, text/html", false)]
    [InlineData("application/graphql-response+json", false)]
    [InlineData("*/*", false)]
    [InlineData("text/html;q=0", false)]
    public void Only_an_accept_that_ranks_html_first_asks_for_the_page(string accept, bool page)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Headers.Accept = accept;

        Assert.Equal(page, BananaCakePop.IsPageRequest(http.Request));
    }

    /// <summary>
    /// A person's session in real headless Chromium against the real server on a loopback port: the IDE
    /// loads from this server alone, reads the schema, and runs a typed query through the GraphQL endpoint,
    /// all under its Content-Security-Policy; a second visit, served by its service worker, too.
    /// </summary>
    [Fact]
    public async Task In_chromium_the_ide_reads_the_schema_and_runs_a_typed_query_without_leaving_the_machine()
    {
        await using var session = await ChromiumSession.StartAsync();
        var (page, origin) = (session.Page, session.Origin);
        var graphqlBodies = new List<string>();
        session.Context.Request += (_, request) =>
        {
            if (request.Url.StartsWith(origin + "/", StringComparison.Ordinal) && request.Method == "POST"
                && request.PostData is { } body && !body.Contains("IntrospectionQuery", StringComparison.Ordinal))
            {
                lock (graphqlBodies)
                {
                    graphqlBodies.Add(body);
                }
            }
        };
        try
        {
            await page.GotoAsync(origin + "/graphql");
            Assert.Equal(origin + "/graphql/", page.Url);

            // On a first visit the IDE's service worker takes control and the page reloads itself once;
            // acting before that would click on a page about to go away.
            await page.WaitForFunctionAsync(
                "() => navigator.serviceWorker.controller !== null && performance.getEntriesByType('navigation')[0].type === 'reload'",
                null, new PageWaitForFunctionOptions { Timeout = 60_000 });

            await page.GetByRole(AriaRole.Button, new() { Name = "Create Document" }).ClickAsync();

            // bcp-config.json was read: the document's endpoint is the page's URL without its slash.
            await Expect(page.Locator($"[aria-label='{origin}/graphql']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            // Introspection through the endpoint worked.
            await Expect(page.GetByText("Schema available")).ToBeVisibleAsync(new() { Timeout = 60_000 });

            // The operation editor is the first Monaco editor (then variables, then the response). The query
            // is inserted rather than typed key by key, which Monaco's bracket auto-closing would double.
            var operationEditor = page.Locator(".monaco-editor").First;
            await operationEditor.ClickAsync();
            await page.Keyboard.InsertTextAsync("{ weeks { totalCount } }");
            await Expect(operationEditor.Locator(".view-lines")).ToHaveTextAsync(TypedQuery());
            // The IDE takes the editor's text into its document after a short debounce, and Run sends the
            // document: wait until the builder lists the new operation and the editor offers "Run" above it.
            await Expect(page.GetByRole(AriaRole.Treeitem, new() { Name = "Query", Exact = true })).ToBeVisibleAsync();
            await page.Locator(".monaco-editor .codelens-decoration a", new() { HasText = "Run" }).ClickAsync();

            var response = page.Locator(".monaco-editor .view-lines").Filter(new() { HasTextRegex = ResponseTotal() });
            await Expect(response).ToBeVisibleAsync(new() { Timeout = 60_000 });
            lock (graphqlBodies)
            {
                Assert.Contains("""{"query":"{ weeks { totalCount } }"}""", graphqlBodies);
            }

            // The editor completes against the introspected schema: the root field `detainer` and its type.
            // (The Schema Reference tab has its own first-visit test below.)
            await operationEditor.ClickAsync();
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.PressAsync("Delete");
            await page.Keyboard.InsertTextAsync("{ detainer");
            await page.Keyboard.PressAsync("Control+Space");
            var suggestion = page.Locator(".monaco-editor .suggest-widget .monaco-list-row.focused");
            await Expect(suggestion).ToHaveTextAsync(FocusedDetainerSuggestion(), new() { Timeout = 60_000 });
            // `{ detainer` is unfinished: Monaco underlines the error with a data: image, which the policy allows.
            await Expect(page.Locator(".monaco-editor .squiggly-error").First).ToBeAttachedAsync(new() { Timeout = 60_000 });

            // A second visit: the service worker serves the page from its cache, with the headers it cached.
            var again = await session.Context.NewPageAsync();
            var second = await again.GotoAsync(origin + "/graphql");
            Assert.True(second?.FromServiceWorker, "The second visit did not come from the IDE's service worker");
            Assert.Equal(BananaCakePop.ContentSecurityPolicy, await second!.HeaderValueAsync("Content-Security-Policy"));
            await Expect(again.GetByText("Schema available")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }
        finally
        {
            // The last state, passed or failed, for a person to look at.
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "bcp.png") });
        }

        session.AssertNothingLeftTheMachine();
        session.AssertNoPolicyViolations();
    }

    /// <summary>
    /// A page on another origin (served here by the browser itself) frames the IDE: Chromium refuses it on the
    /// page's frame-ancestors, so no other site can lay its own page over the IDE and steer a person's clicks.
    /// Chromium's Local Network Access checks are off: they refuse a public page's frame of a loopback server
    /// before its headers are read, which would hide a missing policy here but not on a public host.
    /// </summary>
    [Fact]
    public async Task In_chromium_a_page_on_another_origin_cannot_frame_the_ide()
    {
        await using var session = await ChromiumSession.StartAsync("--disable-features=LocalNetworkAccessChecks");
        const string Elsewhere = "http://elsewhere.test/";
        await session.Context.RouteAsync(Elsewhere + "**", route => route.FulfillAsync(new()
        {
            ContentType = "text/html",
            Body = $"""<iframe src="{session.Origin}/graphql/" width="800" height="600"></iframe>""",
        }));

        // The load event waits for the frame's navigation, refused or not.
        await session.Page.GotoAsync(Elsewhere);

        var frame = Assert.Single(session.Page.Frames, f => f != session.Page.MainFrame);
        // The page's load event can come before the refused frame's error page commits (its URL is still empty then,
        // about one run in two on a busy machine): wait until the frame has landed somewhere, refused or not.
        var deadline = DateTime.UtcNow + Bounded.Limit;
        while (frame.Url is "" or "about:blank" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.StartsWith("chrome-error://", frame.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("Banana Cake Pop", await frame.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ide_main_script_is_served_with_the_schema_reference_fix_and_a_notice_that_it_was_modified()
    {
        using var app = new TestApp();
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/graphql/");
        var main = ScriptSource().Match(html).Groups[1].Value;

        var served = await client.GetStringAsync("/graphql/" + main);
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, BananaCakePop.FilesFolder, main));

        // Every anchor matched the pinned bundle (else the script would be served unchanged), and nothing else changed.
        Assert.StartsWith(BananaCakePopPatch.Notice, served, StringComparison.Ordinal);
        foreach (var (find, replace) in BananaCakePopPatch.Replacements)
        {
            Assert.Contains(find, shipped, StringComparison.Ordinal);
            Assert.Contains(replace, served, StringComparison.Ordinal);
        }
        Assert.Equal(BananaCakePopPatch.Apply(shipped, out _), served);
    }

    [Fact]
    public void A_bundle_the_patch_was_not_written_for_is_left_unchanged_with_the_reason()
    {
        var patched = BananaCakePopPatch.Apply("console.log('another version');", out var problem);

        Assert.Null(patched);
        Assert.Contains("occurs 0 times", problem, StringComparison.Ordinal);
    }

    /// <summary>
    /// The review's "No Schema" (4 of 4 tries): a first visit in a fresh profile, straight to "Browse Schema". BCP
    /// opens the Schema Reference before it has the schema, and without the fix its panes read the schema before
    /// BCP has indexed it and keep "No Schema" (see BananaCakePopPatch). With it, both panes list the schema.
    /// </summary>
    [Fact]
    public async Task In_chromium_browse_schema_on_a_first_visit_lists_the_schema_types()
    {
        await using var session = await ChromiumSession.StartAsync();
        var page = session.Page;

        await page.GotoAsync(session.Origin + "/graphql");
        await page.WaitForFunctionAsync(
            "() => navigator.serviceWorker.controller !== null && performance.getEntriesByType('navigation')[0].type === 'reload'",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        try
        {
            await page.GetByText("Browse Schema", new() { Exact = true }).ClickAsync();

            // The type view shows the query type with its description and its fields...
            await Expect(page.GetByText("Reads over jurisdictions, reporting weeks and detainers.")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.GetByText("detainerGroups(...)").First).ToBeVisibleAsync();
            // ...and the types list beside it counts the schema's kinds of types.
            await Expect(page.GetByText("Input Objects", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByText("Enums", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByText("No Schema")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "bcp-browse-schema.png") });
        }
        session.AssertNothingLeftTheMachine();
        session.AssertNoPolicyViolations();
    }

    /// <summary>The real server on a loopback port with the sample reports, and headless Chromium with a fresh profile.</summary>
    private sealed class ChromiumSession : IAsyncDisposable
    {
        private readonly List<string> _offMachine = [];
        private readonly List<string> _violations = [];

        private ChromiumSession(TestApp app, IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, string origin)
        {
            App = app;
            Playwright = playwright;
            Browser = browser;
            Context = context;
            Page = page;
            Origin = origin;
            context.Request += (_, request) =>
            {
                if (!request.Url.StartsWith(origin + "/", StringComparison.Ordinal))
                {
                    lock (_offMachine)
                    {
                        _offMachine.Add(request.Url);
                    }
                }
            };
            // Chromium's own report of a violation, and the page's event (ViolationListener), both name the policy.
            context.Console += (_, message) => RecordViolation(message);
            page.Worker += (_, worker) => worker.Console += (_, message) => RecordViolation(message);
        }

        /// <summary>Every page of the session reports what its Content-Security-Policy blocked to the console.</summary>
        private const string ViolationListener = """
            document.addEventListener('securitypolicyviolation', e =>
              console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
            """;

        public TestApp App { get; }
        public IPlaywright Playwright { get; }
        public IBrowser Browser { get; }
        public IBrowserContext Context { get; }
        public IPage Page { get; }
        public string Origin { get; }

        public static async Task<ChromiumSession> StartAsync(params string[] moreArgs)
        {
            Assert.True(File.Exists(Chromium),
                $"{Chromium} is missing, so the IDE cannot be tested in a browser: install it with `apt-get install -y chromium` (.ci/run does).");
            var app = new TestApp();
            app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            app.StartServer();
            var origin = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync(Path.Combine(AppContext.BaseDirectory, "data", "ddor_reports.csv"));
            }
            var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", .. moreArgs],
            });
            // A new context is a fresh profile: no service worker, no cached IDE, no IndexedDB.
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
            context.SetDefaultTimeout(60_000);
            await context.AddInitScriptAsync(ViolationListener);
            var page = await context.NewPageAsync();
            return new ChromiumSession(app, playwright, browser, context, page, origin);
        }

        private void RecordViolation(IConsoleMessage message)
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (_violations)
                {
                    _violations.Add(message.Text);
                }
            }
        }

        public void AssertNoPolicyViolations()
        {
            lock (_violations)
            {
                Assert.True(_violations.Count == 0, "The IDE broke its Content-Security-Policy:\n" + string.Join("\n", _violations.Distinct()));
            }
        }

        public void AssertNothingLeftTheMachine()
        {
            lock (_offMachine)
            {
                Assert.True(_offMachine.Count == 0, "The IDE made requests off the machine: " + string.Join(", ", _offMachine));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Context.DisposeAsync();
            await Browser.DisposeAsync();
            Playwright.Dispose();
            App.Dispose();
        }
    }

    [GeneratedRegex("""<script defer="defer" src="(static/js/main\.[0-9a-f]+\.js)">""")]
    private static partial Regex ScriptSource();

    /// <summary>The focused completion shows the field and its type: the field <c>detainer</c> is a <c>Detainer</c>.</summary>
    [GeneratedRegex("""^detainer\s*Detainer$""")]
    private static partial Regex FocusedDetainerSuggestion();

    /// <summary>Monaco renders spaces as no-break spaces, which <c>\s</c> matches.</summary>
    [GeneratedRegex("""^\{\s*weeks\s*\{\s*totalCount\s*\}\s*\}$""")]
    private static partial Regex TypedQuery();

    /// <summary>Monaco renders spaces as no-break spaces, which <c>\s</c> matches.</summary>
    [GeneratedRegex("""
        "totalCount":\s*3
        """)]
    private static partial Regex ResponseTotal();
}
