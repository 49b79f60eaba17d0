using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace DetainerGraph.Tests.Data;

public sealed class MigrationTests
{
    private static SqliteDetainerDbContext Sqlite() =>
        new(new DbContextOptionsBuilder<SqliteDetainerDbContext>().UseSqlite("Data Source=:memory:").Options);

    // No server is contacted: the model and the migrations are compared in memory.
    private static SqlServerDetainerDbContext SqlServer() =>
        new(new DbContextOptionsBuilder<SqlServerDetainerDbContext>().UseSqlServer("Server=unused;Database=unused").Options);

    [Fact]
    public void The_sqlite_migrations_match_the_model()
    {
        using var db = Sqlite();
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: run the command in DetainerDbContext's doc comment.");
    }

    [Fact]
    public void The_sql_server_migrations_match_the_model()
    {
        using var db = SqlServer();
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed without a SQL Server migration: run the command in DetainerDbContext's doc comment.");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations_by_name()
    {
        using var sqlite = Sqlite();
        using var sqlServer = SqlServer();

        static IEnumerable<string> Names(DbContext db) =>
            db.Database.GetMigrations().Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..]);

        Assert.NotEmpty(Names(sqlite));
        Assert.Equal(Names(sqlite), Names(sqlServer));
    }

    [Fact]
    public void The_sql_server_script_creates_the_import_identity_keys()
    {
        using var db = SqlServer();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("CREATE UNIQUE INDEX [IX_Sources_ContentSha256]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE UNIQUE INDEX [IX_Detainers_SourceId_SourceLine]", script, StringComparison.Ordinal);
        Assert.Contains("[IssuedOn] date NULL", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_committed_sql_server_script_matches_the_migrations()
    {
        using var db = SqlServer();
        var script = SqlServerMigrationScript.Generate(db);
        var path = Path.Combine(DetainerGraph.Tests.Infrastructure.RepositoryFiles.Root, "docker", "sqlserver-migrations.sql");
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, script);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path).ReplaceLineEndings("\n") == script,
            "docker/sqlserver-migrations.sql differs from the SQL Server migrations: review the change, then run UPDATE_SCHEMA=1 dotnet test");
    }

    /// <summary>
    /// The committed script sets, in its first batch, every option indexed views and filtered indexes need (sqlcmd runs it
    /// with QUOTED_IDENTIFIER off unless given -I: error 1934 on the first filtered index) and XACT_ABORT (without it that
    /// error ends one statement and the migration commits as applied), and no later statement changes them.
    /// </summary>
    [Fact]
    public void The_committed_sql_server_script_sets_the_options_indexed_views_need_before_anything_else()
    {
        var path = Path.Combine(DetainerGraph.Tests.Infrastructure.RepositoryFiles.Root, "docker", "sqlserver-migrations.sql");
        var script = (TSqlScript)DetainerGraph.Tests.SqlServer.SqlServerSchema.Parse(File.ReadAllText(path), out var errors);
        Assert.Empty(errors);

        static IEnumerable<(string Option, bool On)> Sets(TSqlStatement statement) => statement switch
        {
            PredicateSetStatement set =>
                Enum.GetValues<SetOptions>()
                    .Where(o => o != SetOptions.None && set.Options.HasFlag(o))
                    .Select(o => (OptionName(o), set.IsOn)),
            _ => [],
        };
        static string OptionName(SetOptions o) => o switch
        {
            SetOptions.AnsiNulls => "ANSI_NULLS",
            SetOptions.AnsiPadding => "ANSI_PADDING",
            SetOptions.AnsiWarnings => "ANSI_WARNINGS",
            SetOptions.ArithAbort => "ARITHABORT",
            SetOptions.ConcatNullYieldsNull => "CONCAT_NULL_YIELDS_NULL",
            SetOptions.QuotedIdentifier => "QUOTED_IDENTIFIER",
            SetOptions.NumericRoundAbort => "NUMERIC_ROUNDABORT",
            SetOptions.XactAbort => "XACT_ABORT",
            _ => o.ToString(),
        };

        var first = script.Batches[0].Statements;
        Assert.All(first, s => Assert.IsType<PredicateSetStatement>(s));
        (string, bool)[] required =
        [
            ("ANSI_NULLS", true), ("ANSI_PADDING", true), ("ANSI_WARNINGS", true), ("ARITHABORT", true), ("CONCAT_NULL_YIELDS_NULL", true),
            ("NUMERIC_ROUNDABORT", false), ("QUOTED_IDENTIFIER", true), ("XACT_ABORT", true),
        ];
        Assert.Equal(required, first.SelectMany(Sets).OrderBy(s => s.Option, StringComparer.Ordinal));
        Assert.Empty(script.Batches.Skip(1).SelectMany(b => b.Statements).SelectMany(Sets));
    }
}
