using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddQueryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers",
                columns: new[] { "Outcome", "IssuedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Charges_Category_DetainerId",
                table: "Charges",
                columns: new[] { "Category", "DetainerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Detainers_Outcome_IssuedOn",
                table: "Detainers");

            migrationBuilder.DropIndex(
                name: "IX_Charges_Category_DetainerId",
                table: "Charges");
        }
    }
}
