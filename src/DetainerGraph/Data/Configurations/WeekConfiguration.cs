using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class WeekConfiguration : IEntityTypeConfiguration<Week>
{
    public void Configure(EntityTypeBuilder<Week> builder)
    {
        // A reporting week is identified by its Saturday.
        builder.HasKey(w => w.Start);
        builder.Property(w => w.Start).ValueGeneratedNever();
        builder.HasOne(w => w.Report).WithOne().HasForeignKey<Report>(r => r.WeekStart);
    }
}
