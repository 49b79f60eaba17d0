using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class ReportConfiguration : IEntityTypeConfiguration<Report>
{
    public void Configure(EntityTypeBuilder<Report> builder)
    {
        builder.HasKey(r => r.Number);
        builder.Property(r => r.Number).ValueGeneratedNever();
        // One report per week, looked up by the week (weeklyReport.report, Week.report).
        builder.HasIndex(r => r.WeekStart).IsUnique();
        builder.HasOne(r => r.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}
