using System.Globalization;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// The import's fast paths (a block-reading CSV reader that pools repeated values, one reused insert statement per
/// table binding UTF-8 and cached enum names, documents added to the index without a per-document delete) must
/// store exactly what the file says: every detainer and charge column read back equals the parsed row, and every
/// charge is searchable.
/// </summary>
public sealed class ImportRoundTripTests : IDisposable
{
    private static readonly ReferenceData Reference = new(Path.Combine(AppContext.BaseDirectory, "data"));
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void A_parse_told_to_stop_throws_instead_of_reading_on()
    {
        // A cancelled import stops its parse between records rather than reading the rest of the file.
        string text;
        using (var writer = new StringWriter(CultureInfo.InvariantCulture))
        {
            new DetainerGenerator(Reference).Write(writer, 50, 3, new DateOnly(2017, 1, 28), 2);
            text = writer.ToString();
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(50, new Importer(null!, Reference).Parse("stop.csv", bytes, CancellationToken.None).Detainers.Count);
        Assert.Throws<OperationCanceledException>(() => new Importer(null!, Reference).Parse("stop.csv", bytes, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Every_column_of_a_generated_file_is_stored_as_parsed()
    {
        string text;
        using (var writer = new StringWriter(CultureInfo.InvariantCulture))
        {
            new DetainerGenerator(Reference).Write(writer, 1_500, 11, new DateOnly(2017, 1, 28), 4);
            text = writer.ToString();
        }
        var parsed = new Importer(null!, Reference).Parse("roundtrip.csv", Encoding.UTF8.GetBytes(text));
        Assert.Empty(parsed.Errors);

        var result = await _app.ImportAsync("roundtrip.csv", text);
        Assert.Equal(ImportOutcome.Imported, result.Outcome);

        var stored = await _app.WithDbAsync(db => db.Detainers.AsNoTracking()
            .Where(d => d.SourceId == result.Source.Id)
            .Include(d => d.Charges).Include(d => d.Jurisdiction).Include(d => d.Facility)
            .ToDictionaryAsync(d => d.SourceLine));

        Assert.Equal(parsed.Detainers.Count, stored.Count);
        foreach (var row in parsed.Detainers)
        {
            var d = stored[row.Line];
            Assert.Equal(Expected(row), Actual(d));
            Assert.Equal(
                row.Charges.Select((c, i) => $"{i + 1}|{c.Description}|{c.Status}"),
                d.Charges.OrderBy(c => c.Ordinal).Select(c => $"{c.Ordinal}|{c.Description}|{c.Status}"));
            Assert.All(d.Charges, c => Assert.Equal(d.Id, c.DetainerId));
        }
        // Keys are consecutive, in file order, and every charge got one.
        var ids = stored.Values.OrderBy(d => d.SourceLine).Select(d => d.Id).ToList();
        Assert.Equal(Enumerable.Range((int)ids[0], ids.Count).Select(i => (long)i), ids);

        // Every charge is in the search index (an empty query matches every charge).
        var charges = stored.Values.Sum(d => d.Charges.Count);
        var data = await _app.DataAsync(
            "{ searchCharges(query: \"\", first: 1, includeSynthetic: true) { totalCount } }");
        Assert.Equal(charges, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Rows_naming_a_jurisdiction_or_facility_in_different_case_share_its_one_record_and_rows_naming_it_alike_share_one_reference()
    {
        const string text = """
            detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status
            a,TX,Travis County,Travis County Jail,Austin,,,2017-01-02,,,ASSAULT,Charge
            b,TX,TRAVIS COUNTY,TRAVIS COUNTY JAIL,AUSTIN,,,2017-01-03,,,BATTERY,Charge
            c,TX,Travis County,Travis County Jail,Austin,,,2017-01-04,,,THEFT,Charge
            d,TX,Harris County,,,,,2017-01-05,,,BURGLARY,Charge

            """;
        var parsed = new Importer(null!, Reference).Parse("names.csv", Encoding.UTF8.GetBytes(text));
        Assert.Empty(parsed.Errors);
        // The same spelling: one instance, which the writer resolves once by reference.
        Assert.Same(parsed.Detainers[0].Jurisdiction, parsed.Detainers[2].Jurisdiction);
        Assert.Same(parsed.Detainers[0].Facility, parsed.Detainers[2].Facility);
        Assert.NotSame(parsed.Detainers[0].Jurisdiction, parsed.Detainers[1].Jurisdiction);

        var result = await _app.ImportAsync("names.csv", text);
        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        var stored = await _app.WithDbAsync(db => db.Detainers.AsNoTracking()
            .Where(d => d.SourceId == result.Source.Id).OrderBy(d => d.SourceLine)
            .Select(d => new { d.JurisdictionId, d.FacilityId, Jurisdiction = d.Jurisdiction!.Name, Facility = d.Facility!.Name })
            .ToListAsync());
        // Another spelling of the same name: matched by name (ignoring case) to the record the first spelling created.
        Assert.Equal([stored[0].JurisdictionId, stored[0].JurisdictionId, stored[0].JurisdictionId], stored.Take(3).Select(d => d.JurisdictionId));
        Assert.Equal([stored[0].FacilityId, stored[0].FacilityId, stored[0].FacilityId], stored.Take(3).Select(d => d.FacilityId));
        Assert.NotNull(stored[0].FacilityId);
        Assert.Equal(("Travis County", "Travis County Jail"), (stored[1].Jurisdiction, stored[1].Facility));
        Assert.NotEqual(stored[0].JurisdictionId, stored[3].JurisdictionId);
        Assert.Null(stored[3].FacilityId);
        var texas = await _app.WithDbAsync(db => db.Jurisdictions.Where(j => j.State == "TX").Select(j => j.Name).ToListAsync());
        Assert.Single(texas, name => string.Equals(name, "Travis County", StringComparison.OrdinalIgnoreCase));
    }

    private static string Expected(DetainerRow row) => string.Join("|",
        row.IssuedOn, row.IssuedOnOrAfter, row.PlaceOfBirth, row.DetainerType, row.DetainerTypeAsPublished, row.Outcome,
        row.OutcomeAsPublished, row.OutcomeRecordedOn, row.WeekStart, row.Citizenship, row.SourceUrl,
        row.Jurisdiction is null ? JurisdictionResolution.Unresolved : row.JurisdictionResolution, row.JurisdictionRule,
        row.Jurisdiction?.State, row.Jurisdiction?.Name, row.Facility?.Name, row.Facility?.City, true);

    private static string Actual(Detainer d) => string.Join("|",
        d.IssuedOn, d.IssuedOnOrAfter, d.PlaceOfBirth, d.DetainerType, d.DetainerTypeAsPublished, d.Outcome,
        d.OutcomeAsPublished, d.OutcomeRecordedOn, d.WeekStart, d.Citizenship, d.SourceUrl,
        d.JurisdictionResolution, d.JurisdictionRule,
        d.Jurisdiction?.State, d.Jurisdiction?.Name, d.Facility?.Name, d.Facility?.City, d.IsSynthetic);
}
