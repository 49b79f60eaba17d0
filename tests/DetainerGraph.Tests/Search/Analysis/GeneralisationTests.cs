using DetainerGraph.Search.Analysis;
using Xunit.Abstractions;

namespace DetainerGraph.Tests.Search.Analysis;

/// <summary>
/// How much of the reading is learned rather than listed, measured with the reader that has NO curated
/// abbreviations: Texas abbreviations the curated list never held are read by the rules, English words are not
/// misread as abbreviations, and most abbreviated tokens of both jails get a reading.
/// </summary>
public sealed class GeneralisationTests(ITestOutputHelper output)
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
    private static readonly ChargeReader Learned = ChargeReader.LearnedOnly(DataDirectory);

    [Theory]
    [InlineData("gov", "government")]
    [InlineData("insp", "inspection")]
    [InlineData("fac", "facility")]
    [InlineData("indiv", "individual")]
    [InlineData("enh", "enhanced")]
    [InlineData("decept", "deception")]
    [InlineData("stmt", "statement")]
    [InlineData("msch", "mischief")]
    [InlineData("alch", "alcohol")]
    [InlineData("livestck", "livestock")]
    [InlineData("chld", "child")]
    [InlineData("evad", "evading")]
    [InlineData("marij", "marijuana")]
    [InlineData("cert", "certificate")]
    public void Texas_abbreviations_no_hand_list_holds_are_read_by_the_learned_rules(string token, string word)
    {
        var learned = Learned.Expander.Expand(token);
        Assert.NotNull(learned);
        Assert.Contains(word, learned.Value.Words);
    }

    [Theory]
    [InlineData("frm")] // FAIL TO ID FUG FRM JUSTICE: "from", never "firearm"
    [InlineData("fear")] // TERRORISTIC THREAT CAUSE FEAR: not "firearm"
    [InlineData("exposes")] // INDECENCY W/CHILD EXPOSES: not "explosives"
    [InlineData("gang")] // INDUCE GANG MEMBSH: not "gambling"
    [InlineData("code")] // TEXAS TAX CODE: not "confidence"
    [InlineData("county")] // OUT OF COUNTY: not "community"
    [InlineData("certain")] // SALE TO CERTAIN PERSONS: not "cyberstalking"
    [InlineData("deal")] // not "deadly"
    [InlineData("free")] // DRUG FREE ZONE: not "frequent"
    [InlineData("coerce")] // not "commercialized"
    [InlineData("manage")] // not "manslaughter"
    [InlineData("wth")] // "with"
    public void English_words_and_function_word_spellings_are_never_read_as_another_word(string token) =>
        Assert.Null(Learned.Expander.Expand(token));

    [Fact]
    public void Most_abbreviated_tokens_of_both_jails_are_read_without_the_curated_list()
    {
        var reader = ChargeReader.For(DataDirectory);
        var texts = Relevance.TravisRelevanceTests.JudgedTexts().Keys.Concat(ChargeReaderTests.PierceTexts()).Distinct().Order(StringComparer.Ordinal);
        var tokens = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var token in ChargeReader.Tokenize(text).Where(t => t.Length >= 3 && t.All(char.IsAsciiLetterLower)))
            {
                tokens[token] = tokens.GetValueOrDefault(token) + 1;
            }
        }
        var abbreviated = tokens.Where(t => !reader.Expander.Lexicon.IsWord(t.Key)).ToList();
        var read = 0;
        foreach (var (token, count) in abbreviated)
        {
            var learned = Learned.Read(token).Expansions is [var first, ..] ? first : null;
            var shipped = reader.Read(token).Expansions is [var firstShipped, ..] ? firstShipped : null;
            read += learned is null ? 0 : 1;
            output.WriteLine($"{token} x{count}: learned={learned?.Kind}:{learned?.Words} shipped={shipped?.Kind}:{shipped?.Words}");
        }
        output.WriteLine($"{read} of {abbreviated.Count} abbreviated tokens (three letters or more) read by the learned rules alone");
        Assert.True(read >= 0.75 * abbreviated.Count, $"{read} of {abbreviated.Count}");
    }
}
