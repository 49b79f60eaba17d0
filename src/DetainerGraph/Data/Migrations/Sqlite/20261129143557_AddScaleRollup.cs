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

            // The DetainerCounts and DetainerTotals rollups (Data/DetainerCount.cs), kept by the database itself on every
            // write to Detainers, in the writing statement's transaction: tables filled from the rows already there, a
            // key index each (so every trigger statement is one index lookup; IS matches NULL too), and three triggers.
            // A month is its first day (dates are yyyy-MM-dd text). Frozen here as literal SQL: a later change to the
            // rollups is a new migration, never an edit of this one.
            migrationBuilder.Sql(
                """
                CREATE TABLE "DetainerCounts" ("JurisdictionId" INTEGER NULL, "FacilityId" INTEGER NULL, "WeekStart" TEXT NULL, "Outcome" TEXT NOT NULL, "DetainerType" TEXT NOT NULL, "Citizenship" TEXT NULL, "SourceId" INTEGER NOT NULL, "IssuedMonth" TEXT NULL, "OutcomeMonth" TEXT NULL, "Retracted" INTEGER NOT NULL, "IsSynthetic" INTEGER NOT NULL, "Count" INTEGER NOT NULL)
                """);
            migrationBuilder.Sql(
                """
                CREATE INDEX "IX_DetainerCounts_Key" ON "DetainerCounts" ("JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic")
                """);
            migrationBuilder.Sql(
                """
                INSERT INTO "DetainerCounts" ("JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count")
                SELECT "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic", COUNT(*) FROM "Detainers"
                GROUP BY "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
                """);
            migrationBuilder.Sql(
                """
                CREATE TABLE "DetainerTotals" ("Outcome" TEXT NOT NULL, "DetainerType" TEXT NOT NULL, "SourceId" INTEGER NOT NULL, "IssuedMonth" TEXT NULL, "OutcomeMonth" TEXT NULL, "Retracted" INTEGER NOT NULL, "IsSynthetic" INTEGER NOT NULL, "Count" INTEGER NOT NULL)
                """);
            migrationBuilder.Sql(
                """
                CREATE INDEX "IX_DetainerTotals_Key" ON "DetainerTotals" ("Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic")
                """);
            migrationBuilder.Sql(
                """
                INSERT INTO "DetainerTotals" ("Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count")
                SELECT "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic", COUNT(*) FROM "Detainers"
                GROUP BY "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
                """);
            // The bulk importer inserts a row here inside its transaction (SQLite's single writer: no other
            // connection writes meanwhile), inserts its detainers without the per-row trigger, then deletes the row
            // and adds the new source's rollup rows with one GROUP BY (DetainerCountRollup.AddImportedSourceAsync).
            migrationBuilder.Sql(
                """
                CREATE TABLE "DetainerRollupsDeferred" ("Reason" TEXT NOT NULL)
                """);
            migrationBuilder.Sql(
                """
                CREATE TRIGGER "DetainerRollups_AfterInsert" AFTER INSERT ON "Detainers" WHEN NOT EXISTS (SELECT 1 FROM "DetainerRollupsDeferred") BEGIN
                    UPDATE "DetainerCounts" SET "Count" = "Count" + 1
                    WHERE "JurisdictionId" IS NEW."JurisdictionId"
                      AND "FacilityId" IS NEW."FacilityId"
                      AND "WeekStart" IS NEW."WeekStart"
                      AND "Outcome" IS NEW."Outcome"
                      AND "DetainerType" IS NEW."DetainerType"
                      AND "Citizenship" IS NEW."Citizenship"
                      AND "SourceId" IS NEW."SourceId"
                      AND "IssuedMonth" IS substr(NEW."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(NEW."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS NEW."Retracted"
                      AND "IsSynthetic" IS NEW."IsSynthetic";
                    INSERT INTO "DetainerCounts" ("JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count")
                    SELECT NEW."JurisdictionId", NEW."FacilityId", NEW."WeekStart", NEW."Outcome", NEW."DetainerType", NEW."Citizenship", NEW."SourceId", substr(NEW."IssuedOn", 1, 8) || '01', substr(NEW."OutcomeRecordedOn", 1, 8) || '01', NEW."Retracted", NEW."IsSynthetic", 1 WHERE changes() = 0;
                    UPDATE "DetainerTotals" SET "Count" = "Count" + 1
                    WHERE "Outcome" IS NEW."Outcome"
                      AND "DetainerType" IS NEW."DetainerType"
                      AND "SourceId" IS NEW."SourceId"
                      AND "IssuedMonth" IS substr(NEW."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(NEW."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS NEW."Retracted"
                      AND "IsSynthetic" IS NEW."IsSynthetic";
                    INSERT INTO "DetainerTotals" ("Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count")
                    SELECT NEW."Outcome", NEW."DetainerType", NEW."SourceId", substr(NEW."IssuedOn", 1, 8) || '01', substr(NEW."OutcomeRecordedOn", 1, 8) || '01', NEW."Retracted", NEW."IsSynthetic", 1 WHERE changes() = 0;
                END
                """);
            migrationBuilder.Sql(
                """
                CREATE TRIGGER "DetainerRollups_AfterDelete" AFTER DELETE ON "Detainers" BEGIN
                    UPDATE "DetainerCounts" SET "Count" = "Count" - 1
                    WHERE "JurisdictionId" IS OLD."JurisdictionId"
                      AND "FacilityId" IS OLD."FacilityId"
                      AND "WeekStart" IS OLD."WeekStart"
                      AND "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "Citizenship" IS OLD."Citizenship"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    DELETE FROM "DetainerCounts" WHERE "Count" = 0
                      AND "JurisdictionId" IS OLD."JurisdictionId"
                      AND "FacilityId" IS OLD."FacilityId"
                      AND "WeekStart" IS OLD."WeekStart"
                      AND "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "Citizenship" IS OLD."Citizenship"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    UPDATE "DetainerTotals" SET "Count" = "Count" - 1
                    WHERE "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    DELETE FROM "DetainerTotals" WHERE "Count" = 0
                      AND "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                END
                """);
            migrationBuilder.Sql(
                """
                CREATE TRIGGER "DetainerRollups_AfterUpdate" AFTER UPDATE OF "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedOn", "OutcomeRecordedOn", "Retracted", "IsSynthetic" ON "Detainers" BEGIN
                    UPDATE "DetainerCounts" SET "Count" = "Count" - 1
                    WHERE "JurisdictionId" IS OLD."JurisdictionId"
                      AND "FacilityId" IS OLD."FacilityId"
                      AND "WeekStart" IS OLD."WeekStart"
                      AND "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "Citizenship" IS OLD."Citizenship"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    DELETE FROM "DetainerCounts" WHERE "Count" = 0
                      AND "JurisdictionId" IS OLD."JurisdictionId"
                      AND "FacilityId" IS OLD."FacilityId"
                      AND "WeekStart" IS OLD."WeekStart"
                      AND "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "Citizenship" IS OLD."Citizenship"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    UPDATE "DetainerCounts" SET "Count" = "Count" + 1
                    WHERE "JurisdictionId" IS NEW."JurisdictionId"
                      AND "FacilityId" IS NEW."FacilityId"
                      AND "WeekStart" IS NEW."WeekStart"
                      AND "Outcome" IS NEW."Outcome"
                      AND "DetainerType" IS NEW."DetainerType"
                      AND "Citizenship" IS NEW."Citizenship"
                      AND "SourceId" IS NEW."SourceId"
                      AND "IssuedMonth" IS substr(NEW."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(NEW."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS NEW."Retracted"
                      AND "IsSynthetic" IS NEW."IsSynthetic";
                    INSERT INTO "DetainerCounts" ("JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count")
                    SELECT NEW."JurisdictionId", NEW."FacilityId", NEW."WeekStart", NEW."Outcome", NEW."DetainerType", NEW."Citizenship", NEW."SourceId", substr(NEW."IssuedOn", 1, 8) || '01', substr(NEW."OutcomeRecordedOn", 1, 8) || '01', NEW."Retracted", NEW."IsSynthetic", 1 WHERE changes() = 0;
                    UPDATE "DetainerTotals" SET "Count" = "Count" - 1
                    WHERE "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    DELETE FROM "DetainerTotals" WHERE "Count" = 0
                      AND "Outcome" IS OLD."Outcome"
                      AND "DetainerType" IS OLD."DetainerType"
                      AND "SourceId" IS OLD."SourceId"
                      AND "IssuedMonth" IS substr(OLD."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(OLD."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS OLD."Retracted"
                      AND "IsSynthetic" IS OLD."IsSynthetic";
                    UPDATE "DetainerTotals" SET "Count" = "Count" + 1
                    WHERE "Outcome" IS NEW."Outcome"
                      AND "DetainerType" IS NEW."DetainerType"
                      AND "SourceId" IS NEW."SourceId"
                      AND "IssuedMonth" IS substr(NEW."IssuedOn", 1, 8) || '01'
                      AND "OutcomeMonth" IS substr(NEW."OutcomeRecordedOn", 1, 8) || '01'
                      AND "Retracted" IS NEW."Retracted"
                      AND "IsSynthetic" IS NEW."IsSynthetic";
                    INSERT INTO "DetainerTotals" ("Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count")
                    SELECT NEW."Outcome", NEW."DetainerType", NEW."SourceId", substr(NEW."IssuedOn", 1, 8) || '01', substr(NEW."OutcomeRecordedOn", 1, 8) || '01', NEW."Retracted", NEW."IsSynthetic", 1 WHERE changes() = 0;
                END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER "DetainerRollups_AfterUpdate"
                """);
            migrationBuilder.Sql(
                """
                DROP TRIGGER "DetainerRollups_AfterDelete"
                """);
            migrationBuilder.Sql(
                """
                DROP TRIGGER "DetainerRollups_AfterInsert"
                """);
            migrationBuilder.Sql(
                """
                DROP TABLE "DetainerRollupsDeferred"
                """);
            migrationBuilder.Sql(
                """
                DROP TABLE "DetainerCounts"
                """);
            migrationBuilder.Sql(
                """
                DROP TABLE "DetainerTotals"
                """);

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
