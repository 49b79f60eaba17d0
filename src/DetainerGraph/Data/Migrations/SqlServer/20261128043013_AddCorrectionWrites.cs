using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AddCorrectionWrites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Corrections_SourceId_SourceLine",
                table: "Corrections");

            migrationBuilder.AddColumn<bool>(
                name: "Retracted",
                table: "SectionOneEntries",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "SearchOutbox",
                type: "int",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "int");

            migrationBuilder.AddColumn<long>(
                name: "DetainerId",
                table: "SearchOutbox",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Retracted",
                table: "Detainers",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "Corrections",
                type: "int",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "int");

            migrationBuilder.AddColumn<long>(
                name: "ChargeId",
                table: "Corrections",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Editor",
                table: "Corrections",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "Corrections",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RecordedAt",
                table: "Corrections",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SearchOutbox_DetainerId",
                table: "SearchOutbox",
                column: "DetainerId");

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_ChargeId",
                table: "Corrections",
                column: "ChargeId");

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_Editor_IdempotencyKey",
                table: "Corrections",
                columns: new[] { "Editor", "IdempotencyKey" },
                unique: true,
                filter: "[Editor] IS NOT NULL AND [IdempotencyKey] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_SourceId_SourceLine",
                table: "Corrections",
                columns: new[] { "SourceId", "SourceLine" },
                unique: true,
                filter: "[SourceId] IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "FK_Corrections_Charges_ChargeId",
                table: "Corrections",
                column: "ChargeId",
                principalTable: "Charges",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_SearchOutbox_Detainers_DetainerId",
                table: "SearchOutbox",
                column: "DetainerId",
                principalTable: "Detainers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Corrections_Charges_ChargeId",
                table: "Corrections");

            migrationBuilder.DropForeignKey(
                name: "FK_SearchOutbox_Detainers_DetainerId",
                table: "SearchOutbox");

            migrationBuilder.DropIndex(
                name: "IX_SearchOutbox_DetainerId",
                table: "SearchOutbox");

            migrationBuilder.DropIndex(
                name: "IX_Corrections_ChargeId",
                table: "Corrections");

            migrationBuilder.DropIndex(
                name: "IX_Corrections_Editor_IdempotencyKey",
                table: "Corrections");

            migrationBuilder.DropIndex(
                name: "IX_Corrections_SourceId_SourceLine",
                table: "Corrections");

            migrationBuilder.DropColumn(
                name: "Retracted",
                table: "SectionOneEntries");

            migrationBuilder.DropColumn(
                name: "DetainerId",
                table: "SearchOutbox");

            migrationBuilder.DropColumn(
                name: "Retracted",
                table: "Detainers");

            migrationBuilder.DropColumn(
                name: "ChargeId",
                table: "Corrections");

            migrationBuilder.DropColumn(
                name: "Editor",
                table: "Corrections");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "Corrections");

            migrationBuilder.DropColumn(
                name: "RecordedAt",
                table: "Corrections");

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "SearchOutbox",
                type: "int",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "int",
                oldNullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "Corrections",
                type: "int",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "int",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_SourceId_SourceLine",
                table: "Corrections",
                columns: new[] { "SourceId", "SourceLine" },
                unique: true);
        }
    }
}
