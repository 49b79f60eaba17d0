using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DetainerGraph.Data;

// dotnet-ef builds the contexts through these, so generating migrations needs no server and no app start.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDetainerDbContext>
{
    public SqliteDetainerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDetainerDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerDetainerDbContext>
{
    public SqlServerDetainerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerDetainerDbContext>()
            .UseSqlServer("Server=localhost;Database=DetainerGraph;Trusted_Connection=True;TrustServerCertificate=True")
            .Options);
}
