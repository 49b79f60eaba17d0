using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class PolicyConfiguration : IEntityTypeConfiguration<Policy>
{
    public void Configure(EntityTypeBuilder<Policy> builder)
    {
        builder.Property(p => p.DateEnactedAsPublished).HasMaxLength(60);
        builder.Property(p => p.Name).HasMaxLength(400);
        builder.Property(p => p.CriteriaForHonoringDetainers).HasMaxLength(4000);
        // Import idempotence: one policy per source file and line.
        builder.HasIndex(p => new { p.SourceId, p.SourceLine }).IsUnique();
        builder.HasOne(p => p.Jurisdiction).WithMany(j => j.Policies).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(p => p.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}
