using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class SourceConfiguration : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> builder)
    {
        builder.Property(s => s.Format).HasMaxLength(40);
        builder.Property(s => s.FileName).HasMaxLength(260);
        builder.Property(s => s.ContentSha256).HasMaxLength(64).IsFixedLength();
        builder.Property(s => s.Section).HasMaxLength(200);
        // Import idempotence: a file's bytes are imported at most once.
        builder.HasIndex(s => s.ContentSha256).IsUnique();
    }
}
