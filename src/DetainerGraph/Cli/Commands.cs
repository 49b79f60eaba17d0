using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Operability;

namespace DetainerGraph.Cli;

/// <summary>
/// The command-line verbs: <c>import</c>, <c>generate</c>, <c>migrate</c>, <c>stats</c>, <c>reindex</c> and <c>token</c>. No verb serves.
/// Commands read the same configuration as the server (appsettings, environment variables such as
/// <c>Storage__Directory</c>). Each verb lives in its own file here (<c>ImportCommand.cs</c>, <c>TokenCommand.cs</c>, …).
/// </summary>
public static partial class Commands
{
    public static readonly string[] Verbs = ["import", "generate", "migrate", "stats", "reindex", "token", "help", "--help", "-h"];

    /// <summary>
    /// The exit code of a command stopped by the token of <see cref="RunAsync"/> (128 + SIGINT; the program answers
    /// SIGTERM's 143 instead, see <see cref="CommandInterrupt.ExitCode"/>).
    /// </summary>
    public const int Interrupted = 130;

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    /// <param name="ct">The program's <see cref="CommandInterrupt"/>: cancelled, the command stops, says what it kept, and exits <see cref="Interrupted"/>.</param>
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, CancellationToken ct = default)
    {
        try
        {
            return args[0].ToLowerInvariant() switch
            {
                "import" => await ImportAsync(args[1..], services, ct),
                "generate" => Generate(args[1..], services, ct),
                "migrate" => await MigrateAsync(services, ct),
                "stats" => await StatsAsync(services, ct),
                "reindex" => await ReindexAsync(services, ct),
                "token" => Token(args[1..], services),
                _ => Help(),
            };
        }
        catch (Exception e) when (ct.IsCancellationRequested)
        {
            // Any failure once stopped is the stop's: SQL Server's client reports a statement it cancelled as an
            // SqlException ("Operation cancelled by user"), not as a cancellation.
            Console.Error.WriteLine(e is OperationCanceledException
                ? $"{args[0].ToLowerInvariant()}: interrupted."
                : $"{args[0].ToLowerInvariant()}: interrupted ({e.GetType().Name}: {LogText.Escape(e.Message)}).");
            return Interrupted;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run with 'help' for usage.");
            return 2;
        }
        catch (Exception e) when (StoreBusy.Is(e))
        {
            Console.Error.WriteLine("error: the database is busy with another write (another import or migration); nothing was changed. Try again.");
            return 3;
        }
        catch (Exception e)
        {
            // Anything else (a full disk, a read-only or damaged store, an output that cannot be written) is reported,
            // not left to the runtime (an unhandled exception aborts the process with a stack trace and exit 134).
            Console.Error.WriteLine(string.Equals(args[0], "reindex", StringComparison.OrdinalIgnoreCase)
                ? $"error: reindex failed ({Failure(e)}); a rebuild that fails before its switch deletes its new folder and keeps the index in use."
                : $"error: {args[0].ToLowerInvariant()} failed ({Failure(e)}).");
            return 1;
        }
    }

    private static int Help()
    {
        Console.WriteLine("""
            DetainerGraph: a GraphQL server over ICE detainer data.

            Usage: dotnet run --project src/DetainerGraph -- [command]

              (no command)                 serve GraphQL at /graphql (honors --urls)
              import FILE...               import CSV files; the format is read from each header
              generate --detainers N --seed S --out FILE [--from YYYY-MM-DD] [--weeks W]
                                           write synthetic detainers in the 'detainers' import format
              migrate                      apply database migrations (required once for SQL Server)
              stats                        print row counts per table, how the published detainers were placed in
                                           jurisdictions (rule by rule), and the facility names still unplaced
              reindex                      rebuild the search index from the database (new folder or versioned Elasticsearch index), then switch to it
              token --name NAME [--role editor] [--hours 8, at most 168]
                                           mint a token signed with Auth:SigningKey (in Development, the generated one)

            Ctrl+C (or SIGTERM) stops a command cleanly (an import rolls back the file it was writing) and exits 130 (143); a second one ends it at once.

            Configuration: Storage__Directory, Database__Provider (Sqlite|SqlServer), ConnectionStrings__Detainers,
            Search__Provider (Lucene|Elasticsearch), Search__Url, Auth__Issuer, Auth__Audience, Auth__SigningKey.
            """);
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"unexpected argument '{args[i]}'");
            }
            options[args[i][2..]] = args[++i];
        }
        return options;
    }

    private static int RequiredInt(Dictionary<string, string> options, string name, int min)
    {
        if (!options.TryGetValue(name, out var text))
        {
            throw new UsageException($"--{name} is required");
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"--{name} '{text}' is not a whole number of at least {min}");
        }
        return value;
    }

    private sealed class UsageException(string message) : Exception(message);
}
