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

    /// <summary>The function words of three letters or more, for the expander's false-friend guard.</summary>
    public static IReadOnlyList<string> FunctionWordList { get; } = [.. FunctionWords.Where(w => w.Length >= 3).Order(StringComparer.Ordinal)];

    /// <summary>The word's weight: 1 for a vocabulary word, plus one per offense name that uses it.</summary>
    public int Weight(string word) => _weights.GetValueOrDefault(word);

    public const string VocabularyFileName = "charge_vocabulary.txt";
    public const string IceChargeValuesFileName = "ice_msc_charge_values.txt";
    public const string NcicOffenseCodesFileName = "ncic_offense_codes.csv";

    public static ChargeLexicon Load(string dataDirectory)
    {
        var full = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(dataDirectory, VocabularyFileName)))
        {
            var word = line.Trim();
            if (word.Length > 0 && !word.StartsWith('#'))
            {
                full[word.ToLowerInvariant()] = full.GetValueOrDefault(word.ToLowerInvariant()) + 1;
            }
        }
        foreach (var line in File.ReadLines(Path.Combine(dataDirectory, IceChargeValuesFileName)))
        {
            foreach (var word in Words(line))
            {
                full[word] = full.GetValueOrDefault(word) + 1;
            }
        }
        var ncic = new Dictionary<string, int>(StringComparer.Ordinal);
        var first = true;
        foreach (var record in CsvReader.ReadFile(Path.Combine(dataDirectory, NcicOffenseCodesFileName)))
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
        AddSpelledOutWords(dataDirectory, full);
        return new ChargeLexicon(full);
    }

    /// <summary>The shipped jail charge texts, as (file, column): their spelled-out words join the lexicon.</summary>
    public static readonly (string File, string Column)[] ChargeTextFiles =
    [
        ("pierce_booking_charges.csv", "booking_charge_desc"),
        ("travis_county_ice_detainers.csv", "charge"),
    ];

    /// <summary>
    /// Adds the words the shipped jail charge texts spell out in full (<c>GOVERNMENT</c>, <c>INSPECTION</c>,
    /// <c>FACILITY</c>, <c>GANG</c>-like English words such as <c>DEAL</c>, <c>CODE</c>, <c>FEAR</c>), weight 1: an
    /// abbreviation elsewhere may stand for them (<c>GOV</c>, <c>INSP</c>, <c>FAC</c>), and, being words, they are
    /// never themselves misread as another word's abbreviation (<c>FEAR</c> is not "firearm"). A token counts as
    /// spelled out when it looks like a word (<see cref="LooksLikeAWord"/>) and reads as no lexicon word's or longer text word's truncation, vowel-less spelling or
    /// near-complete misspelling (<c>INVOLV</c>, <c>FICTIOUS</c>, <c>ALCOHL</c> are not words).
    /// </summary>
    private static void AddSpelledOutWords(string dataDirectory, Dictionary<string, int> full)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, column) in ChargeTextFiles)
        {
            var path = Path.Combine(dataDirectory, file);
            if (!File.Exists(path))
            {
                continue;
            }
            var index = -1;
            foreach (var record in CsvReader.ReadFile(path))
            {
                if (index < 0)
                {
                    index = record.Fields.ToList().IndexOf(column);
                    if (index < 0)
                    {
                        break;
                    }
                    continue;
                }
                if (index < record.Fields.Count)
                {
                    tokens.UnionWith(Words(record.Fields[index]));
                }
            }
        }
        var looksLikeWords = tokens
            .Where(t => !full.ContainsKey(t) && !FunctionWords.Contains(t) && LooksLikeAWord(t))
            .OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToList();
        var known = full.Keys.Where(w => w.Length >= 3).ToList();
        var added = new List<string>();
        foreach (var token in looksLikeWords)
        {
            if (known.Any(w => AbbreviationExpander.Abbreviates(token, w) || AbbreviationExpander.Misspells(token, w))
                || added.Any(w => AbbreviationExpander.Abbreviates(token, w) || AbbreviationExpander.Misspells(token, w)))
            {
                continue;
            }
            added.Add(token);
        }
        // Weight 0: a word of the texts is read as itself, but an abbreviation stands for it only when no statute or
        // offense-name word reads (DIST is "distribution", "disturbing", not the misspelling DISTRUB of one text).
        foreach (var word in added)
        {
            full[word] = 0;
        }
    }

    /// <summary>
    /// Four to fifteen letters, two vowels or more after the first letter (a quarter of the letters at least), and
    /// no run of four consonants: a run-together token (<c>CARRYDANGWPNKNIFE</c>, <c>COMMSEXABUSEMINOR</c>) is not one.
    /// </summary>
    private static bool LooksLikeAWord(string token)
    {
        static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';
        var vowels = token.Skip(1).Count(IsVowel);
        var run = 0;
        foreach (var c in token)
        {
            run = IsVowel(c) ? 0 : run + 1;
            if (run >= 4)
            {
                return false;
            }
        }
        return token.Length is >= 4 and <= 15 && vowels >= 2 && vowels * 4 >= token.Length;
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
