using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Import;

public sealed class ImportFormatTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Foia_records_normalize_state_outcome_form_and_jurisdiction()
    {
        var result = await _app.ImportAsync("pa.csv", SampleRows.Foia);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Equal("ice-foia-detainers", result.Source.Format);
        var detainers = await _app.WithDbAsync(db => db.Detainers.Include(d => d.Jurisdiction).Include(d => d.Facility).OrderBy(d => d.SourceLine).ToListAsync());
        Assert.Equal(5, detainers.Count);

        var montgomery = detainers[0];
        Assert.Equal(new DateOnly(2007, 10, 2), montgomery.IssuedOn);
        Assert.Equal(DetainerOutcome.CaseClosed, montgomery.Outcome);
        Assert.Equal("Case Closed", montgomery.OutcomeAsPublished);
        Assert.Equal(DetainerType.Unknown, montgomery.DetainerType);
        Assert.Null(montgomery.WeekStart);
        Assert.Equal("Montgomery County", montgomery.Jurisdiction!.Name);
        Assert.Equal("PA", montgomery.Jurisdiction.State);
        Assert.Equal("42091", montgomery.Jurisdiction.Fips);
        Assert.Equal("Philadelphia", montgomery.Jurisdiction.FieldOffice);
        Assert.Equal("MONTGOMERY CNTY JAIL, PA", montgomery.Facility!.Name);
        Assert.Equal("NORRISTOWN", montgomery.Facility.City);
        Assert.Equal("PA", montgomery.Facility.State);

        // Placed by the rules of data/jurisdiction_rules.csv, each detainer saying which.
        Assert.Equal(("Federal Bureau of Prisons", JurisdictionKind.Federal), (detainers[1].Jurisdiction!.Name, detainers[1].Jurisdiction!.Kind));
        Assert.Equal((JurisdictionResolution.Rule, "Federal prison → Federal Bureau of Prisons"), (detainers[1].JurisdictionResolution, detainers[1].JurisdictionRule));
        Assert.Equal((JurisdictionResolution.ExactName, null), (montgomery.JurisdictionResolution, montgomery.JurisdictionRule));
        Assert.Equal(DetainerOutcome.Open, detainers[2].Outcome);
        Assert.Equal("Pennsylvania Department of Corrections", detainers[2].Jurisdiction!.Name);
        Assert.Equal(JurisdictionKind.StateAgency, detainers[2].Jurisdiction!.Kind);
        Assert.Equal(DetainerType.I247, detainers[3].DetainerType);
        Assert.Equal("I247 - Immigration Detainer - Notice of Action (as of March 2013)", detainers[3].DetainerTypeAsPublished);
        Assert.Equal(DetainerOutcome.DeclinedByLea, detainers[3].Outcome);
        Assert.Equal(DetainerType.I247D, detainers[4].DetainerType);
        // A private contract prison's name does not say whose it is: an alias with its basis (a Federal Bureau of
        // Prisons contract facility in the release's years) says, rather than a guess.
        Assert.Equal(("Federal Bureau of Prisons", JurisdictionResolution.Alias), (detainers[4].Jurisdiction!.Name, detainers[4].JurisdictionResolution));
    }

    [Fact]
    public async Task Section_two_rows_keep_the_charge_as_published_and_derive_the_week()
    {
        await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);

        var detainers = await _app.WithDbAsync(db => db.Detainers.Include(d => d.Charges).Include(d => d.Jurisdiction).OrderBy(d => d.SourceLine).ToListAsync());
        Assert.Equal(3, detainers.Count);
        Assert.All(detainers, d => Assert.Equal(DetainerOutcome.DeclinedByLea, d.Outcome));
        Assert.All(detainers, d => Assert.Equal(new DateOnly(2017, 1, 28), d.WeekStart));
        Assert.Equal(new DateOnly(2017, 1, 29), detainers[0].IssuedOn);
        Assert.Equal(new DateOnly(2017, 2, 1), detainers[0].OutcomeRecordedOn);
        Assert.Equal("Travis County", detainers[0].Jurisdiction!.Name);
        Assert.Equal("San Antonio", detainers[0].Jurisdiction!.FieldOffice);
        Assert.Equal("48453", detainers[0].Jurisdiction!.Fips);

        var dui = Assert.Single(detainers[0].Charges);
        Assert.Equal("DRIVING UNDER INFLUENCE ALCOHOL", dui.Description);
        Assert.Equal("5404", dui.NcicCode);
        Assert.Equal("Traffic Offense", dui.Category);
        Assert.Equal(ChargeStatus.Charge, dui.Status);

        var assault = Assert.Single(detainers[1].Charges);
        Assert.Equal("Aggravated Assault - Weapon", assault.Description);
        Assert.Equal("1315", assault.NcicCode);
        Assert.Equal("Assault", assault.Category);
        Assert.Equal(ChargeStatus.Conviction, assault.Status);

        // The week comes from report_week when the declined date is missing.
        Assert.Null(detainers[2].OutcomeRecordedOn);
        Assert.Equal("3803", Assert.Single(detainers[2].Charges).NcicCode);
    }

    [Fact]
    public async Task Section_one_and_corrections_keep_the_published_figures_beside_the_correction()
    {
        await _app.ImportAsync("reports.csv", SampleRows.Reports);
        await _app.ImportAsync("section1.csv", SampleRows.SectionOne);
        await _app.ImportAsync("corrections.csv", SampleRows.Corrections);

        var entries = await _app.WithDbAsync(db => db.SectionOneEntries.Include(e => e.Jurisdiction).Include(e => e.Corrections).OrderBy(e => e.Rank).ToListAsync());
        Assert.Equal([1, 2, 4, 6], entries.Select(e => e.Rank));
        Assert.Equal(51, entries[0].DetainersIssued);
        Assert.Null(entries[3].DetainersIssued);
        var montgomery = entries[2];
        Assert.Equal(12, montgomery.DetainersIssued);
        var correction = Assert.Single(montgomery.Corrections);
        Assert.Equal("jurisdiction", correction.Field);
        Assert.Equal("Montgomery County, IA", correction.OldValue);
        Assert.Null(correction.NewValue);
        Assert.Equal("2017-04", correction.CorrectedOn);
        Assert.Equal("U.S. Immigration and Customs Enforcement", correction.Authority);
        Assert.Empty(entries[0].Corrections);

        var report = await _app.WithDbAsync(db => db.Reports.SingleAsync(r => r.Number == 1));
        Assert.Equal(new DateOnly(2017, 1, 28), report.WeekStart);
        Assert.Equal(3083, report.DetainersIssuedNationwide);
    }

    [Fact]
    public async Task Section_three_reads_jurisdiction_state_and_field_office()
    {
        await _app.ImportAsync("section3.csv", SampleRows.SectionThree);

        var policies = await _app.WithDbAsync(db => db.Policies.Include(p => p.Jurisdiction).OrderBy(p => p.SourceLine).ToListAsync());
        Assert.Equal(3, policies.Count);
        Assert.Equal(("Ithaca", "NY", JurisdictionKind.City, "Buffalo"),
            (policies[0].Jurisdiction.Name, policies[0].Jurisdiction.State, policies[0].Jurisdiction.Kind, policies[0].Jurisdiction.FieldOffice));
        Assert.Equal("February 2017", policies[0].DateEnactedAsPublished);
        Assert.Equal(new DateOnly(2017, 2, 1), policies[0].EnactedOn);
        Assert.StartsWith("Will only honor \"warrantless detainer requests", policies[0].CriteriaForHonoringDetainers, StringComparison.Ordinal);
        Assert.Equal(("Travis County", "TX", JurisdictionKind.County), (policies[1].Jurisdiction.Name, policies[1].Jurisdiction.State, policies[1].Jurisdiction.Kind));
        // "Saint Paul" as published is the St. Paul field office.
        Assert.Equal(("Iowa City, Johnson County", "IA", JurisdictionKind.City, "St. Paul"),
            (policies[2].Jurisdiction.Name, policies[2].Jurisdiction.State, policies[2].Jurisdiction.Kind, policies[2].Jurisdiction.FieldOffice));
    }

    [Fact]
    public async Task Detainer_rows_group_charges_by_key_and_mark_synthetic_sources()
    {
        var result = await _app.ImportAsync("generated.csv", SampleRows.SyntheticDetainers);

        Assert.Equal(SourceKind.Synthetic, result.Source.Kind);
        Assert.Equal(7, result.Source.SyntheticSeed);
        var detainers = await _app.WithDbAsync(db => db.Detainers.Include(d => d.Charges).OrderBy(d => d.SourceLine).ToListAsync());
        Assert.Equal(2, detainers.Count);
        Assert.All(detainers, d => Assert.True(d.IsSynthetic));
        Assert.Equal(["Driving Under Influence Liquor", "Cocaine - Sell"], detainers[0].Charges.OrderBy(c => c.Ordinal).Select(c => c.Description));
        // ICE's "Liquor" spelling is NCIC 5404 "ALCOHOL".
        Assert.Equal("5404", detainers[0].Charges.Single(c => c.Ordinal == 1).NcicCode);
        Assert.Equal(new DateOnly(2017, 1, 28), detainers[0].WeekStart);
        Assert.Equal(DetainerOutcome.Open, detainers[1].Outcome);
        Assert.Null(detainers[1].WeekStart);
        Assert.Equal(DetainerType.I247A, detainers[1].DetainerType);
    }

    [Fact]
    public async Task Unknown_extra_columns_are_a_warning_and_ignored()
    {
        var content = SampleRows.Reports.Replace("source_notes\n", "source_notes,reviewer\n", StringComparison.Ordinal)
            .Replace(",first\n", ",first,ann\n", StringComparison.Ordinal).Replace(",second\n", ",second,bob\n", StringComparison.Ordinal);

        var result = await _app.ImportAsync("reports.csv", content);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Contains(result.Warnings, w => w.Contains("'reviewer'", StringComparison.Ordinal));
        Assert.Equal(2, (await _app.CountsAsync())["reports"]);
    }

    [Fact]
    public async Task Thousands_of_unknown_columns_are_one_warning_that_names_the_first_and_counts_the_rest()
    {
        var extra = Enumerable.Range(1, 5_000).Select(i => $"field_{i}").ToList();
        var cells = string.Concat(Enumerable.Repeat(",x", extra.Count));
        var content = SampleRows.Reports.Replace("source_notes\n", "source_notes," + string.Join(",", extra) + "\n", StringComparison.Ordinal)
            .Replace(",first\n", ",first" + cells + "\n", StringComparison.Ordinal).Replace(",second\n", ",second" + cells + "\n", StringComparison.Ordinal);

        var result = await _app.ImportAsync("reports.csv", content);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("5,000 columns are not part of the ddor-reports format", warning, StringComparison.Ordinal);
        Assert.Contains("'field_1', 'field_2'", warning, StringComparison.Ordinal);
        Assert.Equal(20, Importer.MaxIgnoredColumnsNamed);
        Assert.Contains("'field_20' and 4,980 more", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("'field_21'", warning, StringComparison.Ordinal);
        Assert.Equal(2, (await _app.CountsAsync())["reports"]);
    }

    /// <summary>
    /// A header's names are the file's text, and a message quotes each at most 80 characters: a column named by a
    /// megabyte was printed whole in the warning (a 1 MB line), and a name repeated a thousand times was as many errors.
    /// </summary>
    [Fact]
    public async Task Huge_or_repeated_column_names_are_quoted_short_and_reported_once()
    {
        var huge = new string('y', 500_000);
        var named = Enumerable.Range(1, 20).Select(i => $"z{i}" + new string('w', 20_000)).ToList();
        var content = SampleRows.Reports.Replace("source_notes\n", $"source_notes,{huge},{string.Join(",", named)}\n", StringComparison.Ordinal)
            .Replace(",first\n", ",first" + string.Concat(Enumerable.Repeat(",", 21)) + "\n", StringComparison.Ordinal)
            .Replace(",second\n", ",second" + string.Concat(Enumerable.Repeat(",", 21)) + "\n", StringComparison.Ordinal);

        var result = await _app.ImportAsync("reports.csv", content);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("21 columns are not part of the ddor-reports format", warning, StringComparison.Ordinal);
        Assert.Contains("'" + new string('y', 77) + "...'", warning, StringComparison.Ordinal);
        Assert.InRange(warning.Length, 1, 21 * 90 + 200);

        var repeated = SampleRows.Reports.Replace("source_notes\n", "source_notes" + string.Concat(Enumerable.Repeat("," + huge[..500], 1_000)) + "\n", StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => _app.ImportAsync("repeated.csv", repeated));
        var error = Assert.Single(refused.Errors, e => e.Expected == "each column named once");
        Assert.InRange(error.ToString().Length, 1, 200);
    }

    [Fact]
    public async Task Importing_the_same_file_twice_changes_nothing()
    {
        var first = await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);
        var before = await _app.CountsAsync();

        var second = await _app.ImportAsync("section2-copy.csv", SampleRows.SectionTwo);

        Assert.Equal(ImportOutcome.Imported, first.Outcome);
        Assert.Equal(ImportOutcome.AlreadyImported, second.Outcome);
        Assert.Equal(first.Source.Id, second.Source.Id);
        Assert.Equal(before, await _app.CountsAsync());
    }

    [Fact]
    public async Task Every_imported_record_points_to_its_source_and_line()
    {
        await _app.ImportAsync("reports.csv", SampleRows.Reports);
        await _app.ImportAsync("section1.csv", SampleRows.SectionOne);
        await _app.ImportAsync("corrections.csv", SampleRows.Corrections);
        await _app.ImportAsync("section3.csv", SampleRows.SectionThree);
        await _app.ImportAsync("pa.csv", SampleRows.Foia);
        await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);

        await ProvenanceAssertions.AllRecordsHaveProvenanceAsync(_app);
        var lines = await _app.WithDbAsync(db => db.Detainers.Where(d => d.Source.FileName == "pa.csv").OrderBy(d => d.SourceLine).Select(d => d.SourceLine).ToListAsync());
        Assert.Equal([2, 3, 4, 5, 6], lines);
    }
}

public static class ProvenanceAssertions
{
    /// <summary>Every record of every imported table names an existing source and a line after the header.</summary>
    public static async Task AllRecordsHaveProvenanceAsync(TestApp app)
    {
        var missing = await app.WithDbAsync(async db => new Dictionary<string, int>
        {
            ["jurisdictions"] = await db.Jurisdictions.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["facilities"] = await db.Facilities.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["reports"] = await db.Reports.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["detainers"] = await db.Detainers.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["policies"] = await db.Policies.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["section_one_entries"] = await db.SectionOneEntries.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["corrections"] = await db.Corrections.CountAsync(x => x.SourceLine < 2 || !db.Sources.Any(s => s.Id == x.SourceId)),
            ["charges without a detainer"] = await db.Charges.CountAsync(c => !db.Detainers.Any(d => d.Id == c.DetainerId)),
        });
        Assert.All(missing, m => Assert.True(m.Value == 0, $"{m.Value} {m.Key} lack provenance"));
        var counts = await app.CountsAsync();
        Assert.True(counts["sources"] > 0, "nothing was imported");
    }
}
