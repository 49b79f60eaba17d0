using DetainerGraph.Reference;
using Xunit.Abstractions;

namespace DetainerGraph.Tests.Search.Analysis;

/// <summary>
/// Travis County's charges (data/travis_county_ice_detainers.csv, Texas style) carry the jail's own offense code,
/// whose first two digits are the NCIC block: the category the charge reader gives each distinct text is checked
/// against it. Floors recorded from the run that added the Texas category rules (334 of 358 categorised, 291 of
/// those agreeing; measured the same way before them: 293 and 216).
/// </summary>
public sealed class TravisClassificationTests(ITestOutputHelper output)
{
    [Fact]
    public void Texas_charge_texts_get_the_NCIC_block_their_jail_code_names_mostly()
    {
        var dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
        var reference = new ReferenceData(dataDirectory);
        // Only NCIC-based jail codes (eight digits): the jail's local four-digit codes are not NCIC codes
        // (3701 is its TRAFFIC OFFENSE MULTIPLE, NCIC's OBSCENE MATERIAL - MFR) and cannot be agreed with.
        var texts = Relevance.TravisRelevanceTests.JudgedTexts()
            .Select(t => (Text: t.Key, Expected: reference.CategoryOf(t.Value[..4])))
            .OrderBy(t => t.Text, StringComparer.Ordinal).ToList();
        var before = texts.Count(t => reference.MatchOffense(t.Text) is not null);
        var classified = texts.Select(t => (t.Text, t.Expected, Got: reference.ClassifyCharge(t.Text, reference.MatchOffense(t.Text)))).ToList();
        var covered = classified.Count(t => t.Got is not null);
        var agree = classified.Count(t => t.Got is not null && t.Got == t.Expected);
        output.WriteLine($"{texts.Count} distinct texts: {before} categorised before, {covered} after; {agree} of those agree with the jail code's block");
        foreach (var (text, expected, got) in classified.Where(t => t.Got is not null && t.Got != t.Expected).Take(80))
        {
            output.WriteLine($"{text}: {got} (code says {expected})");
        }
        foreach (var (text, expected, _) in classified.Where(t => t.Got is null))
        {
            output.WriteLine($"unclassified: {text} (code says {expected})");
        }
        Assert.True(covered >= 0.9 * texts.Count, $"{covered} of {texts.Count} categorised");
        Assert.True(agree >= 0.85 * covered, $"{agree} of {covered} agree");
    }
}
