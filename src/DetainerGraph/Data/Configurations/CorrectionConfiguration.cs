using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class CorrectionConfiguration : IEntityTypeConfiguration<Correction>
{
    public void Configure(EntityTypeBuilder<Correction> builder)
    {
        builder.Property(c => c.Field).HasMaxLength(60);
        builder.Property(c => c.OldValue).HasMaxLength(400);
        builder.Property(c => c.NewValue).HasMaxLength(400);
        builder.Property(c => c.CorrectedOn).HasMaxLength(10);
        builder.Property(c => c.Reason).HasMaxLength(2000);
        builder.Property(c => c.Authority).HasMaxLength(400);
        builder.Property(c => c.Editor).HasMaxLength(200);
        builder.Property(c => c.IdempotencyKey).HasMaxLength(100);
        // Import idempotence: one correction per source file and line.
        builder.HasIndex(c => new { c.SourceId, c.SourceLine }).IsUnique();
        // A detainer's corrections (the batch loader behind Detainer.corrections).
        builder.HasIndex(c => c.DetainerId);
        // A retried write finds its first attempt by this key instead of correcting twice.
        builder.HasIndex(c => new { c.Editor, c.IdempotencyKey }).IsUnique();
        builder.HasOne<Charge>().WithMany().HasForeignKey(c => c.ChargeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Detainer>().WithMany().HasForeignKey(c => c.DetainerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.SectionOneEntry).WithMany(e => e.Corrections).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Source).WithMany().HasForeignKey(c => c.SourceId).IsRequired(false).OnDelete(DeleteBehavior.Restrict);
    }
}
