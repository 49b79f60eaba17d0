using DetainerGraph.Api;
using DetainerGraph.Cli;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Export;
using DetainerGraph.Import;
using DetainerGraph.Operability;
using DetainerGraph.Search;

// The import command is a batch job: on Linux it starts itself again, first of all, with the JIT settings of one (see
// ImportJitSettings; the caller's own settings win). Returns here when it does not.
ImportJitSettings.Apply(args);

// With a command (import, generate, migrate, stats, reindex, token) the program runs it and exits; with none it serves.
var isCommand = Commands.IsCommand(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = isCommand ? [] : args,
    // Settings files ship beside the binaries; the working directory stays the caller's.
    ContentRootPath = AppContext.BaseDirectory,
    // Development for a bare `dotnet run` (its launch profile), without overriding an environment the caller named.
    EnvironmentName = HostingSafety.DefaultEnvironment(args),
});
if (isCommand)
{
    // A command's standard output is its result; logs go to standard error.
    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}
builder.AddDetainerData();
builder.AddChargeSearch();
builder.AddDetainerOperability();
builder.AddCorrections();
builder.Services.AddDetainerGraphQL(builder.Environment);
builder.Services.AddDetainerExport();
builder.AddHttpProtection();
builder.AddHostingSafety();

var app = builder.Build();
if (isCommand)
{
    // Ctrl+C or SIGTERM stops the command cleanly (an import rolls its file back); a second one ends it at once.
    using var interrupt = CommandInterrupt.Listen();
    return interrupt.Finish(args[0].ToLowerInvariant(), await Commands.RunAsync(args, app.Services, interrupt.Token));
}

// Serving (test hosts stop at Build above, so their process is left as it was): before Kestrel opens a socket.
SocketCompletions.Apply(app.Configuration);
ThreadPoolFloor.Apply(app.Configuration);

app.Services.PrepareChargeSearch();
await app.Services.PrepareStoreAsync(loadSampleData: true);
// The IDE's own files first: a browser fetches dozens at once, which the API's per-client limits would refuse.
app.UseBananaCakePop("/graphql");
app.UseHttpProtection();
app.MapDetainerGraphQL();
app.MapDetainerExport();
app.MapDetainerHealth();
app.Lifetime.ApplicationStarted.Register(() =>
{
    app.WarnIfDevelopmentIsExposed();
    foreach (var url in app.Urls)
    {
        Console.WriteLine($"DetainerGraph is serving GraphQL at {url.TrimEnd('/')}/graphql");
    }
});
await app.RunAsync();
return 0;

public partial class Program;
