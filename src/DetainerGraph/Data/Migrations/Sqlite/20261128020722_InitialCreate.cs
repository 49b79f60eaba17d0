using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Sources",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    ContentSha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    Section = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    SyntheticSeed = table.Column<int>(type: "INTEGER", nullable: true),
                    ImportedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RowCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sources", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Weeks",
                columns: table => new
                {
                    Start = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    End = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Weeks", x => x.Start);
                });

            migrationBuilder.CreateTable(
                name: "Jurisdictions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    State = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 2, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Fips = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 5, nullable: true),
                    FieldOffice = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jurisdictions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Jurisdictions_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Reports",
                columns: table => new
                {
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    WeekStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PublishedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DetainersIssuedNationwide = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reports", x => x.Number);
                    table.ForeignKey(
                        name: "FK_Reports_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Reports_Weeks_WeekStart",
                        column: x => x.WeekStart,
                        principalTable: "Weeks",
                        principalColumn: "Start",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Facilities",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    City = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    State = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 2, nullable: false),
                    JurisdictionId = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Facilities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Facilities_Jurisdictions_JurisdictionId",
                        column: x => x.JurisdictionId,
                        principalTable: "Jurisdictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Facilities_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Policies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JurisdictionId = table.Column<int>(type: "INTEGER", nullable: false),
                    DateEnactedAsPublished = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    EnactedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    CriteriaForHonoringDetainers = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Policies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Policies_Jurisdictions_JurisdictionId",
                        column: x => x.JurisdictionId,
                        principalTable: "Jurisdictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Policies_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SectionOneEntries",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WeekStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Rank = table.Column<int>(type: "INTEGER", nullable: false),
                    JurisdictionId = table.Column<int>(type: "INTEGER", nullable: false),
                    DetainersIssued = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceNotes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SectionOneEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SectionOneEntries_Jurisdictions_JurisdictionId",
                        column: x => x.JurisdictionId,
                        principalTable: "Jurisdictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SectionOneEntries_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SectionOneEntries_Weeks_WeekStart",
                        column: x => x.WeekStart,
                        principalTable: "Weeks",
                        principalColumn: "Start",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Detainers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IssuedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DetainerType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DetainerTypeAsPublished = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OutcomeAsPublished = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    OutcomeRecordedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    WeekStart = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Citizenship = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FacilityId = table.Column<int>(type: "INTEGER", nullable: true),
                    JurisdictionId = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Detainers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Detainers_Facilities_FacilityId",
                        column: x => x.FacilityId,
                        principalTable: "Facilities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Detainers_Jurisdictions_JurisdictionId",
                        column: x => x.JurisdictionId,
                        principalTable: "Jurisdictions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Detainers_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Detainers_Weeks_WeekStart",
                        column: x => x.WeekStart,
                        principalTable: "Weeks",
                        principalColumn: "Start",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Charges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DetainerId = table.Column<long>(type: "INTEGER", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    NcicCode = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 4, nullable: true),
                    Category = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Charges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Charges_Detainers_DetainerId",
                        column: x => x.DetainerId,
                        principalTable: "Detainers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Corrections",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Target = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DetainerId = table.Column<long>(type: "INTEGER", nullable: true),
                    SectionOneEntryId = table.Column<int>(type: "INTEGER", nullable: true),
                    Field = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    OldValue = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    NewValue = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    CorrectedOn = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Authority = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    SourceId = table.Column<int>(type: "INTEGER", nullable: false),
                    SourceLine = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Corrections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Corrections_Detainers_DetainerId",
                        column: x => x.DetainerId,
                        principalTable: "Detainers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Corrections_SectionOneEntries_SectionOneEntryId",
                        column: x => x.SectionOneEntryId,
                        principalTable: "SectionOneEntries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Corrections_Sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "Sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Charges_DetainerId_Ordinal",
                table: "Charges",
                columns: new[] { "DetainerId", "Ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Charges_NcicCode",
                table: "Charges",
                column: "NcicCode");

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_DetainerId",
                table: "Corrections",
                column: "DetainerId");

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_SectionOneEntryId",
                table: "Corrections",
                column: "SectionOneEntryId");

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_SourceId_SourceLine",
                table: "Corrections",
                columns: new[] { "SourceId", "SourceLine" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_FacilityId",
                table: "Detainers",
                column: "FacilityId");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_IssuedOn",
                table: "Detainers",
                column: "IssuedOn");

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_JurisdictionId_IssuedOn",
                table: "Detainers",
                columns: new[] { "JurisdictionId", "IssuedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_SourceId_SourceLine",
                table: "Detainers",
                columns: new[] { "SourceId", "SourceLine" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Detainers_WeekStart_Outcome",
                table: "Detainers",
                columns: new[] { "WeekStart", "Outcome" });

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_JurisdictionId",
                table: "Facilities",
                column: "JurisdictionId");

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_SourceId",
                table: "Facilities",
                column: "SourceId");

            migrationBuilder.CreateIndex(
                name: "IX_Facilities_State_Name_City",
                table: "Facilities",
                columns: new[] { "State", "Name", "City" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Jurisdictions_SourceId",
                table: "Jurisdictions",
                column: "SourceId");

            migrationBuilder.CreateIndex(
                name: "IX_Jurisdictions_State_Name",
                table: "Jurisdictions",
                columns: new[] { "State", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Policies_JurisdictionId",
                table: "Policies",
                column: "JurisdictionId");

            migrationBuilder.CreateIndex(
                name: "IX_Policies_SourceId_SourceLine",
                table: "Policies",
                columns: new[] { "SourceId", "SourceLine" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reports_SourceId",
                table: "Reports",
                column: "SourceId");

            migrationBuilder.CreateIndex(
                name: "IX_Reports_WeekStart",
                table: "Reports",
                column: "WeekStart",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SectionOneEntries_JurisdictionId",
                table: "SectionOneEntries",
                column: "JurisdictionId");

            migrationBuilder.CreateIndex(
                name: "IX_SectionOneEntries_SourceId_SourceLine",
                table: "SectionOneEntries",
                columns: new[] { "SourceId", "SourceLine" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SectionOneEntries_WeekStart_Rank",
                table: "SectionOneEntries",
                columns: new[] { "WeekStart", "Rank" });

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ContentSha256",
                table: "Sources",
                column: "ContentSha256",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Charges");

            migrationBuilder.DropTable(
                name: "Corrections");

            migrationBuilder.DropTable(
                name: "Policies");

            migrationBuilder.DropTable(
                name: "Reports");

            migrationBuilder.DropTable(
                name: "Detainers");

            migrationBuilder.DropTable(
                name: "SectionOneEntries");

            migrationBuilder.DropTable(
                name: "Facilities");

            migrationBuilder.DropTable(
                name: "Weeks");

            migrationBuilder.DropTable(
                name: "Jurisdictions");

            migrationBuilder.DropTable(
                name: "Sources");
        }
    }
}
