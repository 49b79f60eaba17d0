using System.Globalization;

namespace DetainerGraph.Data;

/// <summary>
/// The DDL of the two detainer rollups, <c>DetainerCounts</c> (<see cref="DetainerCount"/>, every dimension of
/// the report) and <c>DetainerTotals</c> (<see cref="DetainerTotal"/>, the few dimensions that are not places or
/// weeks, so a few thousand rows whatever the table size), run by the AddScaleRollup migration of each provider.
/// The database maintains both on every write to <c>Detainers</c>, in the writing statement's transaction, so no
/// writer (bulk import, EF, corrections) has to know about them.
/// </summary>
public static class DetainerCountRollupSql
{
    // A rollup key column and the Detainers expression it is computed from, on SQLite ({0}: "NEW." or "OLD."
    // in a trigger, empty over the table; dates are stored as yyyy-MM-dd text, a month is its first day) and
    // on SQL Server.
    private static readonly Dictionary<string, (string Sqlite, string SqlServer)> Keys = new()
    {
        ["JurisdictionId"] = ("{0}\"JurisdictionId\"", "[JurisdictionId]"),
        ["FacilityId"] = ("{0}\"FacilityId\"", "[FacilityId]"),
        ["WeekStart"] = ("{0}\"WeekStart\"", "[WeekStart]"),
        ["Outcome"] = ("{0}\"Outcome\"", "[Outcome]"),
        ["DetainerType"] = ("{0}\"DetainerType\"", "[DetainerType]"),
        ["Citizenship"] = ("{0}\"Citizenship\"", "[Citizenship]"),
        ["SourceId"] = ("{0}\"SourceId\"", "[SourceId]"),
        ["IssuedMonth"] = ("substr({0}\"IssuedOn\", 1, 8) || '01'", "DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn])"),
        ["OutcomeMonth"] = ("substr({0}\"OutcomeRecordedOn\", 1, 8) || '01'", "DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn])"),
        ["Retracted"] = ("{0}\"Retracted\"", "[Retracted]"),
    };

    private static readonly string[] CountsKey =
        ["JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted"];

    private static readonly string[] TotalsKey = ["Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted"];

    private static readonly Dictionary<string, string> SqliteTypes = new()
    {
        ["JurisdictionId"] = "INTEGER NULL",
        ["FacilityId"] = "INTEGER NULL",
        ["WeekStart"] = "TEXT NULL",
        ["Outcome"] = "TEXT NOT NULL",
        ["DetainerType"] = "TEXT NOT NULL",
        ["Citizenship"] = "TEXT NULL",
        ["SourceId"] = "INTEGER NOT NULL",
        ["IssuedMonth"] = "TEXT NULL",
        ["OutcomeMonth"] = "TEXT NULL",
        ["Retracted"] = "INTEGER NOT NULL",
    };

    private static readonly (string Table, string[] Key)[] Rollups = [("DetainerCounts", CountsKey), ("DetainerTotals", TotalsKey)];

    private static string Value(string column, string row) => string.Format(CultureInfo.InvariantCulture, Keys[column].Sqlite, row);

    private static string Columns(string[] key) => string.Join(", ", key.Select(k => $"\"{k}\""));

    private static string Values(string[] key, string row) => string.Join(", ", key.Select(k => Value(k, row)));

    private static string Matches(string[] key, string row) => string.Join(" AND ", key.Select(k => $"\"{k}\" IS {Value(k, row)}"));

    // The key index makes each trigger statement one index lookup (IS matches NULL too).
    private static string Add(string table, string[] key, string row) => $"""
            UPDATE "{table}" SET "Count" = "Count" + 1 WHERE {Matches(key, row)};
            INSERT INTO "{table}" ({Columns(key)}, "Count") SELECT {Values(key, row)}, 1 WHERE changes() = 0;
        """;

    private static string Remove(string table, string[] key, string row) => $"""
            UPDATE "{table}" SET "Count" = "Count" - 1 WHERE {Matches(key, row)};
            DELETE FROM "{table}" WHERE "Count" = 0 AND {Matches(key, row)};
        """;

    private const string UpdatedColumns =
        "\"JurisdictionId\", \"FacilityId\", \"WeekStart\", \"Outcome\", \"DetainerType\", \"Citizenship\", \"SourceId\", \"IssuedOn\", \"OutcomeRecordedOn\", \"Retracted\"";

    /// <summary>SQLite: the tables, their key indexes, the counts of the rows already there, and three triggers.</summary>
    public static IEnumerable<string> SqliteUp()
    {
        foreach (var (table, key) in Rollups)
        {
            yield return $"CREATE TABLE \"{table}\" ({string.Join(", ", key.Select(k => $"\"{k}\" {SqliteTypes[k]}"))}, \"Count\" INTEGER NOT NULL)";
            yield return $"CREATE INDEX \"IX_{table}_Key\" ON \"{table}\" ({Columns(key)})";
            yield return $"INSERT INTO \"{table}\" ({Columns(key)}, \"Count\") SELECT {Values(key, "")}, COUNT(*) FROM \"Detainers\" GROUP BY {Values(key, "")}";
        }
        yield return $"""
            CREATE TRIGGER "DetainerRollups_AfterInsert" AFTER INSERT ON "Detainers" BEGIN
            {string.Concat(Rollups.Select(r => Add(r.Table, r.Key, "NEW.")))}
            END
            """;
        yield return $"""
            CREATE TRIGGER "DetainerRollups_AfterDelete" AFTER DELETE ON "Detainers" BEGIN
            {string.Concat(Rollups.Select(r => Remove(r.Table, r.Key, "OLD.")))}
            END
            """;
        yield return $"""
            CREATE TRIGGER "DetainerRollups_AfterUpdate" AFTER UPDATE OF {UpdatedColumns} ON "Detainers" BEGIN
            {string.Concat(Rollups.Select(r => Remove(r.Table, r.Key, "OLD.") + Add(r.Table, r.Key, "NEW.")))}
            END
            """;
    }

    public static IEnumerable<string> SqliteDown() =>
    [
        "DROP TRIGGER \"DetainerRollups_AfterUpdate\"",
        "DROP TRIGGER \"DetainerRollups_AfterDelete\"",
        "DROP TRIGGER \"DetainerRollups_AfterInsert\"",
        .. Rollups.Select(r => $"DROP TABLE \"{r.Table}\""),
    ];

    /// <summary>
    /// SQL Server: indexed views (schema-bound, COUNT_BIG, a unique clustered index), which SQL Server keeps in
    /// step with <c>Detainers</c> in every writing statement. Read WITH (NOEXPAND), so that every edition reads
    /// the index rather than expanding the view.
    /// </summary>
    public static IEnumerable<string> SqlServerUp()
    {
        foreach (var (table, key) in Rollups)
        {
            var values = string.Join(", ", key.Select(k => Keys[k].SqlServer));
            yield return $"""
                CREATE VIEW [dbo].[{table}] WITH SCHEMABINDING AS
                SELECT {string.Join(", ", key.Select(k => $"{Keys[k].SqlServer} AS [{k}]"))}, COUNT_BIG(*) AS [Count]
                FROM [dbo].[Detainers]
                GROUP BY {values}
                """;
            yield return $"CREATE UNIQUE CLUSTERED INDEX [IX_{table}_Key] ON [dbo].[{table}] ({string.Join(", ", key.Select(k => $"[{k}]"))})";
        }
    }

    public static IEnumerable<string> SqlServerDown() => Rollups.Select(r => $"DROP VIEW [dbo].[{r.Table}]");
}
