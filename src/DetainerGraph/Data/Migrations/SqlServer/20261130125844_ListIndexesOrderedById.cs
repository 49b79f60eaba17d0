using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <summary>
    /// The jurisdiction and outcome indexes of Detainers with the row id right after the date, before the filter
    /// columns, as on SQLite (Data/Configurations/DetainerConfiguration.cs says why): a list page's order, issuedOn DESC
    /// then id, is the index's own.
    /// </summary>
    public partial class ListIndexesOrderedById : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn_Retracted_Outcome",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn_Retracted_JurisdictionId",
                table: "Detainers");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome",
                table: "Detainers",
                columns: new[] { "JurisdictionId", "IssuedOn", "Id", "Retracted", "Outcome" },
                descending: new[] { false, true, false, false, false });

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId",
                table: "Detainers",
                columns: new[] { "Outcome", "IssuedOn", "Id", "Retracted", "JurisdictionId" },
                descending: new[] { false, true, false, false, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId",
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
        }
    }
}
