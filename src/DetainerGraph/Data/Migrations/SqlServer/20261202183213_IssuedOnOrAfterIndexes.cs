using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <summary>
    /// Three indexes of Detainers for the <c>issuedOnOrAfter</c> sort, as on SQLite (Data/Configurations/DetainerConfiguration.cs
    /// says why): the date over all detainers, descending and ascending, and a jurisdiction's rows that have the date in a
    /// page's order (date descending, then id), filtered to those rows.
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
