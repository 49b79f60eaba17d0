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
        builder.Property(d => d.PlaceOfBirth).HasMaxLength(200);
        builder.Property(d => d.JurisdictionRule).HasMaxLength(200);
        // Import idempotence: a row's identity is its source file and line, so the database refuses a second
        // copy. Also the search indexer's path (a source's detainers) and the FK index of SourceId.
        builder.HasIndex(d => new { d.SourceId, d.SourceLine }).IsUnique();
        // A jurisdiction's detainers (the nested jurisdiction filter, Jurisdiction.detainers), newest first. Retracted
        // and Outcome ride along so that a page of a state's detainers (a few jurisdictions, their rows merged by a
        // top-N sort) tests the default NOT Retracted and an outcome filter on the index, and reads a row from the
        // table only when it enters the page: at a million detainers California's first page read all 10,414 of its
        // rows (40-50 ms) before. Descending, so that each jurisdiction's newest rows come first and fill the page.
        // The id follows the date in the key, before the filter columns: a page's order is (issuedOn DESC, id), so the
        // index gives the rows in exactly that order and SQLite sorts nothing for one jurisdiction and stops each
        // jurisdiction's scan once the page is full for several (with the id after them, it sorted every run of equal
        // dates by id and read every row of a state: California's page 1.3 ms of SQLite at a million, 0.08 ms now).
        builder.HasIndex(d => new { d.JurisdictionId, d.IssuedOn, d.Id, d.Retracted, d.Outcome }).IsDescending(false, true, false, false, false);
        // A week's detainers and its declines: weeklyReport's Section II and totals, Week.detainers.
        builder.HasIndex(d => new { d.WeekStart, d.Outcome });
        // Date ranges and the issuedOn sort over all detainers. Descending, so that a page by issuedOn DESC then
        // id (the rowid, ascending after the key) is read in order from the index, with no sort.
        builder.HasIndex(d => d.IssuedOn).IsDescending();
        // The issuedOnOrAfter sort (a jail booking's date, the only date Travis County's records have): over all detainers,
        // descending as issuedOn's, so that a first or a deep keyset page is read in its order (date, then id) with no sort.
        // Only the rows that have the date: a page by it reads them apart from those without it (KeysetOrder.SplitsMissing),
        // ascending too (read backwards, SQLite sorts only each run of equal dates by id). With every row in it (and an
        // ascending twin), SQLite took it for the rows without the date of a state (`IssuedOnOrAfter IS NULL`: its statistics
        // say a date value holds a few hundred rows, where the missing value holds nearly all) and walked every one of them
        // for a state with few rows (Rhode Island's two: 0.3 s at a million). The rows without the date of all detainers are
        // read in id order from the table itself, most rows lacking it.
        builder.HasIndex(d => d.IssuedOnOrAfter).IsDescending().HasFilter("[IssuedOnOrAfter] IS NOT NULL");
        // A jurisdiction's (or a state's) pages by that date after a cursor, in the page's order, holding only the rows that
        // have the date. Filtered so that no other query can take it: with every row in it, it ties with the issuedOn
        // jurisdiction index for a state's page (same leading column, same statistics), and SQLite takes whichever it lists
        // first, so a migrated store (the new index listed first) sent every state page by issuedOn to it and read the
        // whole state instead of stopping once the page was full. A page whose cursor has a date bounds it (`<= date`),
        // which implies the filter; the rows without one are read by the keyset's null tail from the index above.
        builder.HasIndex(d => new { d.JurisdictionId, d.IssuedOnOrAfter, d.Id, d.Retracted, d.Outcome })
            .IsDescending(false, true, false, false, false)
            .HasFilter("[IssuedOnOrAfter] IS NOT NULL");
        // And the rows without that date, in id order (the order of a page by it among them), for the same reason: a state's
        // page by issuedOnOrAfter reads its dated rows from the index above and the rest from this one, each run in the
        // page's order (KeysetOrder.SplitsMissing). Without it a state whose rows all lack the date (California's 43,886 at
        // a million) sorted all of them for every page, first or deep (55-120 ms). Filtered so that it is taken only by a
        // query that says it wants those rows (`IssuedOnOrAfter IS NULL`): every row of most stores is in it, and unfiltered
        // it would tie with the issuedOn jurisdiction index for a state's page by issuedOn, as the index above would.
        builder.HasIndex(d => new { d.JurisdictionId, d.Id, d.Retracted, d.Outcome }, "IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing")
            .HasFilter("[IssuedOnOrAfter] IS NULL");
        // Outcome filters over all weeks (e.g. every decline), sorted by date (newest first, as above). Retracted and
        // JurisdictionId ride along for the same reason: every decline in jurisdiction-name order sorts all 7,062
        // declines at a million, and with them in the index only the page's rows are read from the table. The id
        // follows the date for the same reason as above: the page is read in its order, with no sort of equal dates.
        builder.HasIndex(d => new { d.Outcome, d.IssuedOn, d.Id, d.Retracted, d.JurisdictionId }).IsDescending(false, true, false, false, false);
        // The FK: a facility's detainers, and deletes of a facility.
        builder.HasIndex(d => d.FacilityId);
        builder.HasOne(d => d.Week).WithMany().HasForeignKey(d => d.WeekStart).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Facility).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Jurisdiction).WithMany(j => j.Detainers).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Source).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(d => d.Charges).WithOne(c => c.Detainer).OnDelete(DeleteBehavior.Cascade);
    }
}
