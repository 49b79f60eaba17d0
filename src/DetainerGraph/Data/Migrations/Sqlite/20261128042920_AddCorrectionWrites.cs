using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddCorrectionWrites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Retracted",
                table: "SectionOneEntries",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "SearchOutbox",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<long>(
                name: "DetainerId",
                table: "SearchOutbox",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Retracted",
                table: "Detainers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "Corrections",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<long>(
                name: "ChargeId",
                table: "Corrections",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Editor",
                table: "Corrections",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "IdempotencyKey",
                table: "Corrections",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RecordedAt",
                table: "Corrections",
                type: "TEXT",
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
                unique: true);

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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "SourceId",
                table: "Corrections",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
