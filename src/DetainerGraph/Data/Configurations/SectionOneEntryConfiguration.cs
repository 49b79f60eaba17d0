using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class SectionOneEntryConfiguration : IEntityTypeConfiguration<SectionOneEntry>
{
    public void Configure(EntityTypeBuilder<SectionOneEntry> builder)
    {
        builder.Property(e => e.SourceNotes).HasMaxLength(1000);
        // Import idempotence: one entry per source file and line.
        builder.HasIndex(e => new { e.SourceId, e.SourceLine }).IsUnique();
        // A week's Section I in rank order (weeklyReport.sectionOne).
        builder.HasIndex(e => new { e.WeekStart, e.Rank });
        builder.HasOne(e => e.Week).WithMany().HasForeignKey(e => e.WeekStart).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.Jurisdiction).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}
