using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <summary>
    /// The coarse rollups DetainerRegionWeekCounts, DetainerRegionMonthCounts and DetainerCitizenshipWeekCounts
    /// (Data/DetainerCount.cs) as views summing the DetainerCounts indexed view (NOEXPAND, so its index is read, not
    /// the Detainers table): the same columns as the SQLite tables, exact by construction, nothing to maintain. An
    /// indexed view cannot hold the outer join to Jurisdictions that the region rollups need. Frozen literal SQL.
    /// </summary>
    public partial class CoarseCountRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                EXEC(N'CREATE VIEW [dbo].[DetainerRegionWeekCounts] AS
                SELECT j.[State] AS [State], j.[FieldOffice] AS [FieldOffice], c.[WeekStart] AS [WeekStart], c.[Outcome] AS [Outcome],
                    c.[DetainerType] AS [DetainerType], c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
                FROM [dbo].[DetainerCounts] c WITH (NOEXPAND) LEFT JOIN [dbo].[Jurisdictions] j ON j.[Id] = c.[JurisdictionId]
                GROUP BY j.[State], j.[FieldOffice], c.[WeekStart], c.[Outcome], c.[DetainerType], c.[Retracted], c.[IsSynthetic]')
                """);
            migrationBuilder.Sql(
                """
                EXEC(N'CREATE VIEW [dbo].[DetainerRegionMonthCounts] AS
                SELECT j.[State] AS [State], j.[FieldOffice] AS [FieldOffice], c.[IssuedMonth] AS [IssuedMonth], c.[Outcome] AS [Outcome],
                    c.[DetainerType] AS [DetainerType], c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
                FROM [dbo].[DetainerCounts] c WITH (NOEXPAND) LEFT JOIN [dbo].[Jurisdictions] j ON j.[Id] = c.[JurisdictionId]
                GROUP BY j.[State], j.[FieldOffice], c.[IssuedMonth], c.[Outcome], c.[DetainerType], c.[Retracted], c.[IsSynthetic]')
                """);
            migrationBuilder.Sql(
                """
                EXEC(N'CREATE VIEW [dbo].[DetainerCitizenshipWeekCounts] AS
                SELECT c.[Citizenship] AS [Citizenship], c.[WeekStart] AS [WeekStart], c.[Outcome] AS [Outcome],
                    c.[DetainerType] AS [DetainerType], c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
                FROM [dbo].[DetainerCounts] c WITH (NOEXPAND)
                GROUP BY c.[Citizenship], c.[WeekStart], c.[Outcome], c.[DetainerType], c.[Retracted], c.[IsSynthetic]')
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP VIEW [dbo].[DetainerCitizenshipWeekCounts]");
            migrationBuilder.Sql("DROP VIEW [dbo].[DetainerRegionMonthCounts]");
            migrationBuilder.Sql("DROP VIEW [dbo].[DetainerRegionWeekCounts]");
        }
    }
}
