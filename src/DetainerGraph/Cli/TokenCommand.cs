using DetainerGraph.Corrections;
using DetainerGraph.Data;

namespace DetainerGraph.Cli;

/// <summary><c>token</c>: mints a bearer token for trying corrections.</summary>
public static partial class Commands
{
    /// <summary>Tokens cannot be revoked short of rotating the key, so they live a week at most.</summary>
    private const int MaxTokenHours = 168;

    /// <summary>
    /// Prints a bearer token for trying corrections: <c>Authorization: Bearer $(... token --name alice)</c>.
    /// Roles are comma-separated; the default is the editor role that every mutation requires.
    /// </summary>
    private static int Token(string[] args, IServiceProvider services)
    {
        var options = ParseOptions(args);
        var name = options.GetValueOrDefault("name") is { Length: > 0 } n ? n.Trim() : throw new UsageException("token needs --name NAME");
        var roles = (options.GetValueOrDefault("role") ?? EditorTokens.EditorRole)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hours = options.ContainsKey("hours") ? RequiredInt(options, "hours", min: 1) : 8;
        // Tokens cannot be revoked short of rotating the key: a week at most.
        if (hours > MaxTokenHours)
        {
            throw new UsageException($"--hours {hours} is more than {MaxTokenHours} (a week): tokens cannot be revoked, so they must expire");
        }
        using (var scope = services.CreateScope())
        {
            // The name is recorded with each correction the token makes: it must fit that column.
            var maxName = scope.ServiceProvider.GetRequiredService<DetainerDbContext>().Model.MaxLength((Correction c) => c.Editor);
            if (name.Length > maxName)
            {
                throw new UsageException($"--name is at most {maxName} characters (corrections record it)");
            }
        }
        var tokens = services.GetRequiredService<EditorTokens>();
        if (tokens.SigningKey is null)
        {
            throw new UsageException("no signing key: set Auth__SigningKey (Development makes one under Storage:Directory)");
        }
        Console.WriteLine(tokens.Mint(name, roles, TimeSpan.FromHours(hours)));
        return 0;
    }
}
