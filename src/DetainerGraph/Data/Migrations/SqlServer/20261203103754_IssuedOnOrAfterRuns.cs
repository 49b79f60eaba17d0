using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <summary>
    /// The <c>issuedOnOrAfter</c> sort's indexes for its two runs of rows (those that have the date, read apart from those
    /// without it): the date over all detainers filtered to the rows that have it (the ascending twin goes), and a
    /// jurisdiction's rows without it in id order, filtered to them (Data/Configurations/DetainerConfiguration.cs says why).
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
