using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
{
    /// <summary>
    /// The <c>issuedOnOrAfter</c> sort's indexes for its two runs of rows (a page reads those that have the date apart from
    /// those without it, KeysetOrder.SplitsMissing): the date over all detainers holds only the rows that have it (the
    /// ascending twin goes), and a jurisdiction's rows without it are held in id order, filtered to them
    /// (Data/Configurations/DetainerConfiguration.cs says why). Then their planner statistics, computed from every entry as
    /// the IssuedOnOrAfterIndexes migration does: a store that already has statistics would otherwise have none for them
    /// until its next import.
    /// </summary>
    public partial class IssuedOnOrAfterRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOnOrAfter",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOnOrAfter_Ascending",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOnOrAfter",
                table: "Detainers",
                column: "IssuedOnOrAfter",
                descending: new bool[0],
                filter: "[IssuedOnOrAfter] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing",
                table: "Detainers",
                columns: new[] { "JurisdictionId", "Id", "Retracted", "Outcome" },
                filter: "[IssuedOnOrAfter] IS NULL");

            migrationBuilder.Sql("PRAGMA analysis_limit=0; ANALYZE \"IX_Detainers_IssuedOnOrAfter\"; ANALYZE \"IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOnOrAfter",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOnOrAfter",
                table: "Detainers",
                column: "IssuedOnOrAfter",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOnOrAfter_Ascending",
                table: "Detainers",
                column: "IssuedOnOrAfter");
        }
    }
}
