using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DetainerGraph.Data;

/// <summary>
/// The SQL Server migration script a DBA applies by hand (<c>docker/sqlserver-migrations.sql</c>): EF Core's idempotent
/// script after a first batch that sets the session options the schema needs. The <c>migrate</c> command connects
/// through SqlClient, which already sets them; a script is also run by tools that do not. <c>sqlcmd</c> turns
/// <c>QUOTED_IDENTIFIER</c> off unless it is given <c>-I</c>, and SQL Server then refuses the filtered unique indexes and
/// the indexed views' clustered indexes (error 1934). Without <c>XACT_ABORT</c>, such an error ends only its statement:
/// the migration's transaction would go on and record the migration as applied without the index, and every count read
/// from the rollups <c>WITH (NOEXPAND)</c> would then fail. With it, the failed migration is rolled back whole.
/// </summary>
public static class SqlServerMigrationScript
{
    /// <summary>The options SQL Server requires to create (and write through) indexed views and filtered indexes, and <c>XACT_ABORT</c>.</summary>
    public static readonly IReadOnlyList<(string Option, bool On)> SessionOptions =
    [
        ("ANSI_NULLS", true), ("ANSI_PADDING", true), ("ANSI_WARNINGS", true), ("ARITHABORT", true),
        ("CONCAT_NULL_YIELDS_NULL", true), ("QUOTED_IDENTIFIER", true), ("NUMERIC_ROUNDABORT", false), ("XACT_ABORT", true),
    ];

    /// <summary>The script's first batch: a comment saying why, then the options.</summary>
    public static string Header { get; } =
        "-- Session options for filtered indexes and indexed views (sqlcmd sets QUOTED_IDENTIFIER OFF unless run with -I),\n" +
        "-- and XACT_ABORT so that a migration that fails is rolled back whole instead of being recorded as applied.\n" +
        string.Concat(SessionOptions.Select(o => $"SET {o.Option} {(o.On ? "ON" : "OFF")};\n")) +
        "GO\n\n";

    /// <summary>The whole script, as committed: <see cref="Header"/>, then every migration, idempotent, with LF line ends.</summary>
    public static string Generate(SqlServerDetainerDbContext db) =>
        Header + db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent).ReplaceLineEndings("\n");
}
