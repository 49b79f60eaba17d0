using DetainerGraph.Reference;
using Xunit.Abstractions;

namespace DetainerGraph.Tests.Search.Analysis;

/// <summary>
/// Travis County's charges (data/travis_county_ice_detainers.csv, Texas style) carry the jail's own offense code,
/// whose first two digits are the NCIC block: the category the charge reader gives each distinct text is checked
/// against it. Floors recorded from the run that introduced the reader.
/// </summary>
public sealed class TravisClassificationTests(ITestOutputHelper output)
{
    [Fact]
    public void Texas_charge_texts_get_the_NCIC_block_their_jail_code_names_mostly()
    {
        var dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
        var reference = new ReferenceData(dataDirectory);
        var rows = DetainerGraph.Import.CsvReader.ReadFile(Path.Combine(dataDirectory, "travis_county_ice_detainers.csv")).ToList();
        var header = rows[0].Fields.ToList();
        var code = header.IndexOf("charge_code");
        var charge = header.IndexOf("charge");
        var texts = rows.Skip(1).Where(r => r.Fields[charge].Length > 0)
            .Select(r => (Text: r.Fields[charge], Expected: r.Fields[code].Length >= 4 ? reference.CategoryOf(r.Fields[code][..4]) : null))
            .DistinctBy(t => t.Text).ToList();
        var before = texts.Count(t => reference.MatchOffense(t.Text) is not null);
        var classified = texts.Select(t => (t.Text, t.Expected, Got: reference.ClassifyCharge(t.Text, reference.MatchOffense(t.Text)))).ToList();
        var covered = classified.Count(t => t.Got is not null);
        var agree = classified.Count(t => t.Got is not null && t.Got == t.Expected);
        output.WriteLine($"{texts.Count} distinct texts: {before} categorised before, {covered} after; {agree} of those agree with the jail code's block");
        foreach (var (text, expected, got) in classified.Where(t => t.Got is not null && t.Got != t.Expected).Take(40))
        {
            output.WriteLine($"{text}: {got} (code says {expected})");
        }
        Assert.True(covered >= 0.75 * texts.Count, $"{covered} of {texts.Count} categorised");
        Assert.True(agree >= 0.65 * covered, $"{agree} of {covered} agree");
    }
}
