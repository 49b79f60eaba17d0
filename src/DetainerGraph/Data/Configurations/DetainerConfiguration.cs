using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class DetainerConfiguration : IEntityTypeConfiguration<Detainer>
{
    public void Configure(EntityTypeBuilder<Detainer> builder)
    {
        builder.Property(d => d.DetainerTypeAsPublished).HasMaxLength(200);
        builder.Property(d => d.OutcomeAsPublished).HasMaxLength(100);
        builder.Property(d => d.Citizenship).HasMaxLength(100);
        builder.Property(d => d.SourceUrl).HasMaxLength(2000);
        // A row's identity is its source file and line: the database refuses a second copy.
        builder.HasIndex(d => new { d.SourceId, d.SourceLine }).IsUnique();
        // The paths the API filters on: a jurisdiction's detainers, a week's detainers, outcome and date.
        builder.HasIndex(d => new { d.JurisdictionId, d.IssuedOn });
        builder.HasIndex(d => new { d.WeekStart, d.Outcome });
        builder.HasIndex(d => d.IssuedOn);
        builder.HasIndex(d => d.FacilityId);
        builder.HasOne(d => d.Week).WithMany().HasForeignKey(d => d.WeekStart).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Facility).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Jurisdiction).WithMany(j => j.Detainers).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(d => d.Charges).WithOne(c => c.Detainer).OnDelete(DeleteBehavior.Cascade);
    }
}
