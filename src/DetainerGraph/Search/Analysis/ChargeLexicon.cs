using System.Text;
using DetainerGraph.Import;

namespace DetainerGraph.Search.Analysis;

/// <summary>
/// The words a charge abbreviation may stand for, with a weight (how often offense names use the word), built
/// from three shipped sources: the NCIC offense literals (<c>ncic_offense_codes.csv</c>), ICE's charge values
/// (<c>ice_msc_charge_values.txt</c>) and the statute vocabulary (<c>charge_vocabulary.txt</c>). The NCIC
/// literals abbreviate too (<c>AGGRAV ASSLT</c>, <c>RECEIV STOLEN VEH</c>): one of their words that is a
/// truncation or a vowel-less spelling of a word from the other two sources is not taken as a word.
/// </summary>
public sealed class ChargeLexicon
{
    /// <summary>Function words: known (never expanded) but never what an abbreviation stands for.</summary>
    private static readonly HashSet<string> FunctionWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "no", "non", "not", "of", "on",
        "or", "other", "over", "see", "than", "that", "the", "to", "under", "upon", "use", "when", "where", "while", "with",
        "only", "such", "any", "all", "per", "via", "less", "more", "same",
    };

    private readonly Dictionary<string, int> _weights;

    private ChargeLexicon(Dictionary<string, int> weights)
    {
        _weights = weights;
        Candidates = [.. weights.Keys.Where(w => w.Length >= 3 && !FunctionWords.Contains(w)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The words an abbreviation may expand to (content words of three letters or more).</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>How many words the lexicon holds (function words included).</summary>
    public int Count => _weights.Count;

    /// <summary>Whether <paramref name="word"/> (lower case) is a known full word, so it is read as itself.</summary>
    public bool IsWord(string word) => _weights.ContainsKey(word) || FunctionWords.Contains(word);

    public static bool IsFunctionWord(string word) => FunctionWords.Contains(word);

    /// <summary>The word's weight: 1 for a vocabulary word, plus one per offense name that uses it.</summary>
    public int Weight(string word) => _weights.GetValueOrDefault(word);

    public static ChargeLexicon Load(string dataDirectory)
    {
        var full = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(dataDirectory, "charge_vocabulary.txt")))
        {
            var word = line.Trim();
            if (word.Length > 0 && !word.StartsWith('#'))
            {
                full[word.ToLowerInvariant()] = full.GetValueOrDefault(word.ToLowerInvariant()) + 1;
            }
        }
        foreach (var line in File.ReadLines(Path.Combine(dataDirectory, "ice_msc_charge_values.txt")))
        {
            foreach (var word in Words(line))
            {
                full[word] = full.GetValueOrDefault(word) + 1;
            }
        }
        var ncic = new Dictionary<string, int>(StringComparer.Ordinal);
        var first = true;
        foreach (var record in CsvReader.ReadFile(Path.Combine(dataDirectory, "ncic_offense_codes.csv")))
        {
            if (first)
            {
                first = false;
                continue;
            }
            foreach (var word in Words(record.Fields[1]))
            {
                ncic[word] = ncic.GetValueOrDefault(word) + 1;
            }
        }
        var fullWords = full.Keys.Where(w => w.Length >= 3).ToList();
        foreach (var (word, count) in ncic)
        {
            if (full.ContainsKey(word))
            {
                full[word] += count;
            }
            else if (!fullWords.Any(w => AbbreviationExpander.Abbreviates(word, w)))
            {
                full[word] = count;
            }
        }
        return new ChargeLexicon(full);
    }

    /// <summary>The letter runs of a text, lower case (digits and punctuation split words and are dropped).</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsAsciiLetter(ch))
            {
                word.Append(char.ToLowerInvariant(ch));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
