using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddDataTruth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsSynthetic",
                table: "Detainers",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateOnly>(
                name: "IssuedOnOrAfter",
                table: "Detainers",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "JurisdictionResolution",
                table: "Detainers",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "JurisdictionRule",
                table: "Detainers",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PlaceOfBirth",
                table: "Detainers",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            // Rows imported before this migration: synthetic by their source's kind; placed ones read as named by
            // their source (re-import a file to record the rule that placed each of its detainers).
            migrationBuilder.Sql("UPDATE Detainers SET IsSynthetic = 1 WHERE SourceId IN (SELECT Id FROM Sources WHERE Kind = 'Synthetic');");
            migrationBuilder.Sql("UPDATE Detainers SET JurisdictionResolution = CASE WHEN JurisdictionId IS NULL THEN 'Unresolved' ELSE 'Named' END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "IsSynthetic",
                table: "Detainers");

            migrationBuilder.DropColumn(
                name: "IssuedOnOrAfter",
                table: "Detainers");

            migrationBuilder.DropColumn(
                name: "JurisdictionResolution",
                table: "Detainers");

            migrationBuilder.DropColumn(
                name: "JurisdictionRule",
                table: "Detainers");

            migrationBuilder.DropColumn(
                name: "PlaceOfBirth",
                table: "Detainers");
        }
    }
}
