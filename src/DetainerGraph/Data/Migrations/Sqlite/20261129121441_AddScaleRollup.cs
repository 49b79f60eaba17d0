using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
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

            // The DetainerCounts and DetainerTotals rollups, kept by the database (DetainerCountRollupSql).
            foreach (var sql in DetainerCountRollupSql.SqliteUp())
            {
                migrationBuilder.Sql(sql);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in DetainerCountRollupSql.SqliteDown())
            {
                migrationBuilder.Sql(sql);
            }

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
