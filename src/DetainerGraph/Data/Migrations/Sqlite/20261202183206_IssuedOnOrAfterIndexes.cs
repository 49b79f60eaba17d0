using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
{
    /// <summary>
    /// Three indexes of Detainers for the <c>issuedOnOrAfter</c> sort (a jail booking's date, the only date Travis County's
    /// records have; Data/Configurations/DetainerConfiguration.cs says why each is as it is): the date over all detainers,
    /// descending as issuedOn's and ascending (most rows lack the date, and ascending they come first in id order), and a
    /// jurisdiction's rows that have the date in a page's order, filtered so that it never ties with the issuedOn
    /// jurisdiction index for another query. Then their planner statistics computed from every entry, as the
    /// ListIndexesOrderedById migration does: a store that already has statistics would otherwise have none for these
    /// until its next import.
    /// </summary>
    public partial class IssuedOnOrAfterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOnOrAfter",
                table: "Detainers",
                column: "IssuedOnOrAfter",
                descending: new bool[0]);

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOnOrAfter_Ascending",
                table: "Detainers",
                column: "IssuedOnOrAfter");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome",
                table: "Detainers",
                columns: new[] { "JurisdictionId", "IssuedOnOrAfter", "Id", "Retracted", "Outcome" },
                descending: new[] { false, true, false, false, false },
                filter: "[IssuedOnOrAfter] IS NOT NULL");

            migrationBuilder.Sql("PRAGMA analysis_limit=0; ANALYZE \"IX_Detainers_IssuedOnOrAfter\"; ANALYZE \"IX_Detainers_IssuedOnOrAfter_Ascending\"; ANALYZE \"IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOnOrAfter",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_IssuedOnOrAfter_Ascending",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome",
                table: "Detainers");
        }
    }
}
