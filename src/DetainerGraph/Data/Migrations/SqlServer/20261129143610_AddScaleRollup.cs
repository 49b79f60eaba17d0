using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddScaleRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOn",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOn",
                table: "Detainers",
                column: "IssuedOn",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers",
                columns: new[] { "Outcome", "IssuedOn" },
                descending: new[] { false, true });

            // The DetainerCounts and DetainerTotals rollups (Data/DetainerCount.cs): indexed views (schema-bound,
            // COUNT_BIG, a unique clustered index) that SQL Server keeps in step with Detainers in every writing
            // statement; read WITH (NOEXPAND) so that every edition uses the index. CREATE VIEW goes through EXEC, so
            // that it is a batch of its own inside the idempotent script's IF blocks (docker/sqlserver-migrations.sql).
            // Frozen here as literal SQL: a later change to the rollups is a new migration, never an edit of this one.
            migrationBuilder.Sql(
                """
                EXEC(N'CREATE VIEW [dbo].[DetainerCounts] WITH SCHEMABINDING AS
                SELECT
                    [JurisdictionId] AS [JurisdictionId],
                    [FacilityId] AS [FacilityId],
                    [WeekStart] AS [WeekStart],
                    [Outcome] AS [Outcome],
                    [DetainerType] AS [DetainerType],
                    [Citizenship] AS [Citizenship],
                    [SourceId] AS [SourceId],
                    DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]) AS [IssuedMonth],
                    DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]) AS [OutcomeMonth],
                    [Retracted] AS [Retracted],
                    [IsSynthetic] AS [IsSynthetic],
                    COUNT_BIG(*) AS [Count]
                FROM [dbo].[Detainers]
                GROUP BY [JurisdictionId], [FacilityId], [WeekStart], [Outcome], [DetainerType], [Citizenship], [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]), DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]), [Retracted], [IsSynthetic]')
                """);
            migrationBuilder.Sql(
                """
                CREATE UNIQUE CLUSTERED INDEX [IX_DetainerCounts_Key] ON [dbo].[DetainerCounts] ([JurisdictionId], [FacilityId], [WeekStart], [Outcome], [DetainerType], [Citizenship], [SourceId], [IssuedMonth], [OutcomeMonth], [Retracted], [IsSynthetic])
                """);
            migrationBuilder.Sql(
                """
                EXEC(N'CREATE VIEW [dbo].[DetainerTotals] WITH SCHEMABINDING AS
                SELECT
                    [Outcome] AS [Outcome],
                    [DetainerType] AS [DetainerType],
                    [SourceId] AS [SourceId],
                    DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]) AS [IssuedMonth],
                    DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]) AS [OutcomeMonth],
                    [Retracted] AS [Retracted],
                    [IsSynthetic] AS [IsSynthetic],
                    COUNT_BIG(*) AS [Count]
                FROM [dbo].[Detainers]
                GROUP BY [Outcome], [DetainerType], [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]), DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]), [Retracted], [IsSynthetic]')
                """);
            migrationBuilder.Sql(
                """
                CREATE UNIQUE CLUSTERED INDEX [IX_DetainerTotals_Key] ON [dbo].[DetainerTotals] ([Outcome], [DetainerType], [SourceId], [IssuedMonth], [OutcomeMonth], [Retracted], [IsSynthetic])
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP VIEW [dbo].[DetainerCounts]
                """);
            migrationBuilder.Sql(
                """
                DROP VIEW [dbo].[DetainerTotals]
                """);

            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOn",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOn",
                table: "Detainers",
                column: "IssuedOn");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers",
                columns: new[] { "Outcome", "IssuedOn" });
        }
    }
}
