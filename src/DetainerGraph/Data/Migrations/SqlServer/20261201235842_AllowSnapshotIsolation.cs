using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.SqlServer
{
    /// <summary>
    /// Lets the database run SNAPSHOT transactions, in which an export reads every row of one state of the data
    /// (Export/ExportSnapshot.cs) while corrections and imports commit beside it. It changes no table; SQL Server then
    /// keeps row versions in tempdb for as long as a snapshot transaction is open (at most Export:Timeout). ALTER DATABASE
    /// may not run inside a transaction, and needs ALTER permission on the database (db_owner has it).
    /// </summary>
    public partial class AllowSnapshotIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;", suppressTransaction: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION OFF;", suppressTransaction: true);
        }
    }
}
