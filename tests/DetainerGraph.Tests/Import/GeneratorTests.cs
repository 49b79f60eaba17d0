using System.Globalization;
using DetainerGraph.Import;
using DetainerGraph.Reference;

namespace DetainerGraph.Tests.Import;

public sealed class GeneratorTests
{
    private static readonly ReferenceData Reference = new(Path.Combine(AppContext.BaseDirectory, "data"));

    private static string Generate(int detainers, int seed, int weeks = 3)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(Reference).Write(writer, detainers, seed, new DateOnly(2017, 1, 28), weeks);
        return writer.ToString();
    }

    [Fact]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        Assert.Equal(Generate(500, 42), Generate(500, 42));
        Assert.NotEqual(Generate(500, 42), Generate(500, 43));
    }

    [Fact]
    public void Generated_rows_import_cleanly_and_are_realistic()
    {
        var text = Generate(2_000, 7, weeks: 5);
        var parsed = new Importer(null!, Reference).Parse("generated.csv", System.Text.Encoding.UTF8.GetBytes(text));

        Assert.Empty(parsed.Errors);
        Assert.Equal(ImportFormat.Detainers, parsed.Format);
        Assert.Equal(7, parsed.SyntheticSeed);
        Assert.Equal(2_000, parsed.Detainers.Count);
        Assert.All(parsed.Detainers, d => Assert.InRange(d.Charges.Count, 1, 3));
        Assert.All(parsed.Detainers.Where(d => d.WeekStart is not null), d => Assert.Equal(DayOfWeek.Saturday, d.WeekStart!.Value.DayOfWeek));
        Assert.All(parsed.Detainers, d => Assert.NotNull(d.Jurisdiction!.FieldOffice));
        Assert.Equal(5, parsed.Detainers.Where(d => d.WeekStart is not null).Select(d => d.WeekStart).Distinct().Count());
        // The published frequency profile: Driving Under Influence Liquor is the most common charge.
        var top = parsed.Detainers.SelectMany(d => d.Charges).GroupBy(c => c.Description).MaxBy(g => g.Count())!.Key;
        Assert.Equal("Driving Under Influence Liquor", top);
        // Outcomes in the real release's proportions: a third open, about half booked into detention.
        var open = parsed.Detainers.Count(d => d.Outcome == DetainerGraph.Data.DetainerOutcome.Open) / 2000.0;
        Assert.InRange(open, 0.28, 0.40);
    }

    [Fact]
    public void Every_row_of_a_generated_detainer_repeats_its_detainer_cells()
    {
        var rows = CsvReader.Read(new StringReader(Generate(2_000, 7))).Select(r => r.Fields).ToList();
        var header = rows[0].ToList();
        var perCharge = new[] { header.IndexOf("charge"), header.IndexOf("charge_status") };

        var detainers = rows.Skip(1).GroupBy(f => f[0]).ToList();

        Assert.Equal(2_000, detainers.Count);
        Assert.Contains(detainers, d => d.Count() > 1);
        Assert.All(detainers, d => Assert.All(Enumerable.Range(0, header.Count).Except(perCharge),
            column => Assert.Single(d.Select(f => f[column]).Distinct())));
    }
}
