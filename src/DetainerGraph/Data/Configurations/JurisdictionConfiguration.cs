using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class JurisdictionConfiguration : IEntityTypeConfiguration<Jurisdiction>
{
    public void Configure(EntityTypeBuilder<Jurisdiction> builder)
    {
        builder.Property(j => j.Name).HasMaxLength(200);
        builder.Property(j => j.State).HasMaxLength(2).IsFixedLength();
        builder.Property(j => j.Fips).HasMaxLength(5).IsFixedLength();
        builder.Property(j => j.FieldOffice).HasMaxLength(40);
        // A jurisdiction is its published name within its state; importers look it up by this key. It also
        // serves the state filter (`jurisdiction: { state: ... }`) and the default jurisdiction order (state, name).
        builder.HasIndex(j => new { j.State, j.Name }).IsUnique();
        // Detainers ordered by their jurisdiction's name (`order: [{ jurisdiction: { name: ASC } }]`): a keyset page
        // past a name reads the jurisdictions from that name on, in order, instead of every detainer.
        builder.HasIndex(j => j.Name);
        builder.HasOne(j => j.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}
