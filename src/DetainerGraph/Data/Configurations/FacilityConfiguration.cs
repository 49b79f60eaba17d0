using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class FacilityConfiguration : IEntityTypeConfiguration<Facility>
{
    public void Configure(EntityTypeBuilder<Facility> builder)
    {
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.City).HasMaxLength(100);
        builder.Property(f => f.State).HasMaxLength(2).IsFixedLength();
        // A facility's identity, which importers look up: the same published name can stand in two cities
        // (e.g. "POTTER COUNTY PRISON"). Its leading State also serves facility filters by state.
        builder.HasIndex(f => new { f.State, f.Name, f.City }).IsUnique();
        builder.HasOne(f => f.Jurisdiction).WithMany(j => j.Facilities).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(f => f.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}
