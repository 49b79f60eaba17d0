using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class SearchOutboxEntryConfiguration : IEntityTypeConfiguration<SearchOutboxEntry>
{
    public void Configure(EntityTypeBuilder<SearchOutboxEntry> builder)
    {
        builder.ToTable("SearchOutbox");
        builder.Property(e => e.LastError).HasMaxLength(2000);
        builder.HasOne<Source>().WithMany().HasForeignKey(e => e.SourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Detainer>().WithMany().HasForeignKey(e => e.DetainerId).OnDelete(DeleteBehavior.Cascade);
        // The worker reads the owed rows in order.
        builder.HasIndex(e => new { e.ProcessedAt, e.Id });
    }
}
