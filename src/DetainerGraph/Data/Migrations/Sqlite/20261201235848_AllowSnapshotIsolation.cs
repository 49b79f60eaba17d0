using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DetainerGraph.Data.Migrations.Sqlite
{
    /// <summary>
    /// Nothing to do on SQLite: in WAL mode a read transaction is already a snapshot (Export/ExportSnapshot.cs). The
    /// migration exists so that both providers keep the same migrations by name; on SQL Server it allows snapshot isolation.
    /// </summary>
    public partial class AllowSnapshotIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
