using DetainerGraph.Search.Analysis;
using DetainerGraph.Tests.Infrastructure;
using Xunit.Abstractions;

namespace DetainerGraph.Tests.Search.Analysis;

/// <summary>
/// How much of the reading is learned rather than listed: the curated abbreviations the learned expander finds by
/// itself, and the share of Travis County's abbreviated tokens (a jail whose style the curated list was not built
/// from) the reader reads. Floors recorded from the run that strengthened the learned rules.
/// </summary>
public sealed class GeneralisationTests(ITestOutputHelper output)
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "data");

    [Fact]
    public void Print_readings()
    {
        var reader = ChargeReader.For(DataDirectory);
        var learned = ChargeReader.LearnedOnly(DataDirectory);
        var texts = Relevance.TravisRelevanceTests.JudgedTexts().Keys.Concat(ChargeReaderTests.PierceTexts()).Distinct().Order(StringComparer.Ordinal);
        var tokens = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var token in ChargeReader.Tokenize(text).Where(t => t.All(char.IsAsciiLetterLower) && t.Length >= 2))
            {
                tokens[token] = tokens.GetValueOrDefault(token) + 1;
            }
        }
        foreach (var (token, count) in tokens)
        {
            if (reader.Expander.Lexicon.IsWord(token))
            {
                continue;
            }
            var l = learned.Read(token).Expansions is [var first, ..] ? first : null;
            var c = reader.Read(token).Expansions is [var shipped, ..] ? shipped : null;
            output.WriteLine($"{token} x{count}: learned={l?.Kind}:{l?.Words} shipped={c?.Kind}:{c?.Words}");
        }
    }
}
