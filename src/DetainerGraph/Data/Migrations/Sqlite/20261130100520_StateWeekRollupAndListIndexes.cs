using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
{
    /// <summary>
    /// Two changes for issue 14's pages and stats at a million detainers.
    /// <para>The jurisdiction and outcome indexes of Detainers widened with the columns a list page filters on
    /// (Data/Configurations/DetainerConfiguration.cs says why), then their planner statistics computed from every entry,
    /// as PlannerStatistics keeps them: dropping an index drops its sqlite_stat1 row, and without one SQLite guesses ten
    /// rows per outcome and may walk every booked detainer for a Texas page.</para>
    /// <para>The DetainerStateWeekCounts rollup (Data/DetainerCount.cs): a table with a covering index (the key in the
    /// order the stats group by, then Count), filled from DetainerRegionWeekCounts (the same sums without the field
    /// office and the form: 30,244 rows read at a million), and triggers on Detainers and Jurisdictions that keep it in
    /// the writing statement's transaction like the CoarseCountRollups ones (deferred the same way during a bulk
    /// import, whose merge Detainers/DetainerCountRollup.cs does). Frozen SQL: a later change is a new migration.</para>
    /// </summary>
    public partial class StateWeekRollupAndListIndexes : Migration
    {
        private const string Table = "DetainerStateWeekCounts";

        private static readonly string[] Key = ["State", "WeekStart", "Outcome", "Retracted", "IsSynthetic"];

        private static readonly string Columns = string.Join(", ", Key.Select(k => $"\"{k}\""));

        /// <summary>A key column's value for a detainer row (NEW or OLD): the state is its jurisdiction's.</summary>
        private static string Of(string column, string row) =>
            column == "State" ? $"(SELECT \"State\" FROM \"Jurisdictions\" WHERE \"Id\" = {row}.\"JurisdictionId\")" : $"{row}.\"{column}\"";

        private static string Match(string row) => string.Join(" AND ", Key.Select(k => $"\"{k}\" IS {Of(k, row)}"));

        private static string Add(string row) =>
            $"UPDATE \"{Table}\" SET \"Count\" = \"Count\" + 1 WHERE {Match(row)};\n"
            + $"INSERT INTO \"{Table}\" ({Columns}, \"Count\") SELECT {string.Join(", ", Key.Select(k => Of(k, row)))}, 1 WHERE changes() = 0;\n";

        private static string Remove(string row) =>
            $"UPDATE \"{Table}\" SET \"Count\" = \"Count\" - 1 WHERE {Match(row)};\n"
            + $"DELETE FROM \"{Table}\" WHERE \"Count\" = 0 AND {Match(row)};\n";

        /// <summary>Every row again from the fine rollup and the jurisdictions (after a jurisdiction changes state).</summary>
        private static readonly string Rebuild =
            $"INSERT INTO \"{Table}\" ({Columns}, \"Count\")\n"
            + "SELECT j.\"State\", c.\"WeekStart\", c.\"Outcome\", c.\"Retracted\", c.\"IsSynthetic\", SUM(c.\"Count\") FROM \"DetainerCounts\" c LEFT JOIN \"Jurisdictions\" j ON j.\"Id\" = c.\"JurisdictionId\"\n"
            + "GROUP BY j.\"State\", c.\"WeekStart\", c.\"Outcome\", c.\"Retracted\", c.\"IsSynthetic\"";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn_Retracted_Outcome",
                table: "Detainers",
                columns: new[] { "JurisdictionId", "IssuedOn", "Retracted", "Outcome" },
                descending: new[] { false, true, false, false });

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_Outcome_IssuedOn_Retracted_JurisdictionId",
                table: "Detainers",
                columns: new[] { "Outcome", "IssuedOn", "Retracted", "JurisdictionId" },
                descending: new[] { false, true, false, false });

            migrationBuilder.Sql("PRAGMA analysis_limit=0; ANALYZE \"IX_Detainers_JurisdictionId_IssuedOn_Retracted_Outcome\"; ANALYZE \"IX_Detainers_Outcome_IssuedOn_Retracted_JurisdictionId\";");

            migrationBuilder.Sql($"CREATE TABLE \"{Table}\" (\"State\" TEXT NULL, \"WeekStart\" TEXT NULL, \"Outcome\" TEXT NOT NULL, \"Retracted\" INTEGER NOT NULL, \"IsSynthetic\" INTEGER NOT NULL, \"Count\" INTEGER NOT NULL)");
            migrationBuilder.Sql($"CREATE INDEX \"IX_{Table}_Key\" ON \"{Table}\" ({Columns}, \"Count\")");
            migrationBuilder.Sql($"INSERT INTO \"{Table}\" ({Columns}, \"Count\") SELECT {Columns}, SUM(\"Count\") FROM \"DetainerRegionWeekCounts\" GROUP BY {Columns}");
            var deferred = "WHEN NOT EXISTS (SELECT 1 FROM \"DetainerRollupsDeferred\") ";
            migrationBuilder.Sql($"CREATE TRIGGER \"StateWeekRollup_AfterInsert\" AFTER INSERT ON \"Detainers\" {deferred}BEGIN\n{Add("NEW")}END");
            migrationBuilder.Sql($"CREATE TRIGGER \"StateWeekRollup_AfterDelete\" AFTER DELETE ON \"Detainers\" BEGIN\n{Remove("OLD")}END");
            migrationBuilder.Sql(
                "CREATE TRIGGER \"StateWeekRollup_AfterUpdate\" AFTER UPDATE OF \"JurisdictionId\", \"WeekStart\", \"Outcome\", \"Retracted\", \"IsSynthetic\" ON \"Detainers\" BEGIN\n"
                + Remove("OLD") + Add("NEW") + "END");
            migrationBuilder.Sql($"CREATE TRIGGER \"StateWeekRollup_AfterJurisdictionUpdate\" AFTER UPDATE OF \"State\" ON \"Jurisdictions\" BEGIN\nDELETE FROM \"{Table}\";\n{Rebuild};\nEND");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "StateWeekRollup_AfterInsert", "StateWeekRollup_AfterDelete", "StateWeekRollup_AfterUpdate", "StateWeekRollup_AfterJurisdictionUpdate" })
            {
                migrationBuilder.Sql($"DROP TRIGGER \"{trigger}\"");
            }
            migrationBuilder.Sql($"DROP TABLE \"{Table}\"");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn_Retracted_Outcome",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn_Retracted_JurisdictionId",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn",
                table: "Detainers",
                columns: new[] { "JurisdictionId", "IssuedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers",
                columns: new[] { "Outcome", "IssuedOn" },
                descending: new[] { false, true });
        }
    }
}
