using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

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
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent).ReplaceLineEndings("\n");
        var path = Path.Combine(DetainerGraph.Tests.Infrastructure.RepositoryFiles.Root, "docker", "sqlserver-migrations.sql");
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, script);
        }

        Assert.True(File.Exists(path) && File.ReadAllText(path).ReplaceLineEndings("\n") == script,
            "docker/sqlserver-migrations.sql differs from the SQL Server migrations: review the change, then run UPDATE_SCHEMA=1 dotnet test");
    }
}
