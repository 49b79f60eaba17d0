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
        builder.HasIndex(c => new { c.DetainerId, c.Ordinal }).IsUnique();
        builder.HasIndex(c => c.NcicCode);
    }
}
