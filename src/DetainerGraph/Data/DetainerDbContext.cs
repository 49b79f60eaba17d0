using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>
/// The relational store. One model, two providers, each with its own migrations set:
/// <see cref="SqliteDetainerDbContext"/> (embedded default) and <see cref="SqlServerDetainerDbContext"/>.
/// After changing the model, regenerate both from the repository root:
/// <code>
/// dotnet ef migrations add NAME --project src/DetainerGraph --context SqliteDetainerDbContext --output-dir Data/Migrations/Sqlite
/// dotnet ef migrations add NAME --project src/DetainerGraph --context SqlServerDetainerDbContext --output-dir Data/Migrations/SqlServer
/// </code>
/// A test fails while either set lags behind the model.
/// </summary>
public abstract class DetainerDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<Jurisdiction> Jurisdictions => Set<Jurisdiction>();
    public DbSet<Facility> Facilities => Set<Facility>();
    public DbSet<Report> Reports => Set<Report>();
    public DbSet<Week> Weeks => Set<Week>();
    public DbSet<Detainer> Detainers => Set<Detainer>();
    public DbSet<Charge> Charges => Set<Charge>();
    public DbSet<Policy> Policies => Set<Policy>();
    public DbSet<SectionOneEntry> SectionOneEntries => Set<SectionOneEntry>();
    public DbSet<Correction> Corrections => Set<Correction>();
    public DbSet<SearchOutboxEntry> SearchOutbox => Set<SearchOutboxEntry>();
    public DbSet<StoreSetting> StoreSettings => Set<StoreSetting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DetainerDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: the database stays readable without this code.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }
}

public sealed class SqliteDetainerDbContext(DbContextOptions<SqliteDetainerDbContext> options)
    : DetainerDbContext(options);

public sealed class SqlServerDetainerDbContext(DbContextOptions<SqlServerDetainerDbContext> options)
    : DetainerDbContext(options)
{
    /// <summary>
    /// The collation of every text column on SQL Server: binary, so <c>eq</c>, <c>in</c>, <c>contains</c>, unique keys
    /// and sorting compare code points exactly as SQLite's default BINARY collation does (case-sensitive; the
    /// <c>...IgnoreCase</c> filter operations lower both sides). A database's default collation is case-insensitive.
    /// </summary>
    public const string TextCollation = "Latin1_General_100_BIN2";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if ((property.GetValueConverter()?.ProviderClrType ?? property.GetProviderClrType() ?? property.ClrType) == typeof(string))
            {
                property.SetCollation(TextCollation);
            }
        }
    }
}
