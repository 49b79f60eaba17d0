using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class ChargeConfiguration : IEntityTypeConfiguration<Charge>
{
    public void Configure(EntityTypeBuilder<Charge> builder)
    {
        builder.Property(c => c.Description).HasMaxLength(400);
        builder.Property(c => c.NcicCode).HasMaxLength(4).IsFixedLength();
        builder.Property(c => c.Category).HasMaxLength(60);
        // A detainer's charges in order (the batch loader, `charges: { some: ... }` EXISTS); a charge's identity.
        builder.HasIndex(c => new { c.DetainerId, c.Ordinal }).IsUnique();
        // Charges by NCIC code.
        builder.HasIndex(c => c.NcicCode);
        // Charges of a category: the category filter from the selective side, and detainerStats by
        // CHARGE_CATEGORY (COUNT DISTINCT DetainerId per category) read in order from the index alone.
        builder.HasIndex(c => new { c.Category, c.DetainerId });
    }
}
