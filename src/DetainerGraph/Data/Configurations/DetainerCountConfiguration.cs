using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DetainerGraph.Data.Configurations;

internal sealed class DetainerCountConfiguration : IEntityTypeConfiguration<DetainerCount>
{
    public void Configure(EntityTypeBuilder<DetainerCount> builder)
    {
        // Created by the AddScaleRollup migrations by hand (tables with triggers on SQLite, indexed views on
        // SQL Server), as literal SQL in those migrations), so EF only reads it.
        builder.HasNoKey().ToView("DetainerCounts");
        builder.Property(r => r.Citizenship).HasMaxLength(100);
        builder.HasOne(r => r.Jurisdiction).WithMany().HasForeignKey(r => r.JurisdictionId);
        builder.HasOne(r => r.Facility).WithMany().HasForeignKey(r => r.FacilityId);
        builder.HasOne(r => r.Week).WithMany().HasForeignKey(r => r.WeekStart);
        builder.HasOne(r => r.Source).WithMany().HasForeignKey(r => r.SourceId);
    }
}

internal sealed class DetainerTotalConfiguration : IEntityTypeConfiguration<DetainerTotal>
{
    public void Configure(EntityTypeBuilder<DetainerTotal> builder)
    {
        builder.HasNoKey().ToView("DetainerTotals");
        builder.HasOne(r => r.Source).WithMany().HasForeignKey(r => r.SourceId);
    }
}

// The coarse rollups (CoarseCountRollups migrations: SQLite tables kept by triggers, SQL Server views over the
// DetainerCounts indexed view); read only, like the others.
internal sealed class DetainerRegionWeekCountConfiguration : IEntityTypeConfiguration<DetainerRegionWeekCount>
{
    public void Configure(EntityTypeBuilder<DetainerRegionWeekCount> builder)
    {
        builder.HasNoKey().ToView("DetainerRegionWeekCounts");
        builder.Property(r => r.State).HasMaxLength(2).IsFixedLength();
        builder.Property(r => r.FieldOffice).HasMaxLength(40);
    }
}

// The StateWeekRollup migrations: the same, keyed by state, week, outcome, retraction and synthetic only.
internal sealed class DetainerStateWeekCountConfiguration : IEntityTypeConfiguration<DetainerStateWeekCount>
{
    public void Configure(EntityTypeBuilder<DetainerStateWeekCount> builder)
    {
        builder.HasNoKey().ToView("DetainerStateWeekCounts");
        builder.Property(r => r.State).HasMaxLength(2).IsFixedLength();
    }
}

internal sealed class DetainerRegionMonthCountConfiguration : IEntityTypeConfiguration<DetainerRegionMonthCount>
{
    public void Configure(EntityTypeBuilder<DetainerRegionMonthCount> builder)
    {
        builder.HasNoKey().ToView("DetainerRegionMonthCounts");
        builder.Property(r => r.State).HasMaxLength(2).IsFixedLength();
        builder.Property(r => r.FieldOffice).HasMaxLength(40);
    }
}

internal sealed class DetainerCitizenshipWeekCountConfiguration : IEntityTypeConfiguration<DetainerCitizenshipWeekCount>
{
    public void Configure(EntityTypeBuilder<DetainerCitizenshipWeekCount> builder)
    {
        builder.HasNoKey().ToView("DetainerCitizenshipWeekCounts");
        builder.Property(r => r.Citizenship).HasMaxLength(100);
    }
}
