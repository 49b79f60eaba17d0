using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <summary>
    /// The jurisdiction and outcome indexes of Detainers widened with the columns a list page filters on
    /// (Data/Configurations/DetainerConfiguration.cs), and the DetainerStateWeekCounts rollup (Data/DetainerCount.cs) as
    /// a view summing the DetainerCounts indexed view (NOEXPAND), like the CoarseCountRollups views: exact by
    /// construction, nothing to maintain. Frozen literal SQL.
    /// </summary>
    public partial class StateWeekRollupAndListIndexes : Migration
    {
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

            migrationBuilder.Sql(
                """
                EXEC(N'CREATE VIEW [dbo].[DetainerStateWeekCounts] AS
                SELECT j.[State] AS [State], c.[WeekStart] AS [WeekStart], c.[Outcome] AS [Outcome],
                    c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
                FROM [dbo].[DetainerCounts] c WITH (NOEXPAND) LEFT JOIN [dbo].[Jurisdictions] j ON j.[Id] = c.[JurisdictionId]
                GROUP BY j.[State], c.[WeekStart], c.[Outcome], c.[Retracted], c.[IsSynthetic]')
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP VIEW [dbo].[DetainerStateWeekCounts]");

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
