using System.Collections.Concurrent;

namespace DetainerGraph.Search.Analysis;

/// <summary>How a token was read as other words.</summary>
public enum ExpansionKind
{
    /// <summary>A hand-curated abbreviation (<c>data/charge_abbreviations.csv</c>), with its basis.</summary>
    Curated,
    /// <summary>The token begins a lexicon word: <c>RESIS</c> → resisting, <c>PARA</c> → paraphernalia.</summary>
    Prefix,
    /// <summary>The token is a word with its vowels dropped: <c>WPN</c> → weapon, <c>TRSP</c> → trespass.</summary>
    DroppedVowels,
    /// <summary>The token's letters appear in order in a word with the same first letter (the weakest reading).</summary>
    Subsequence,
    /// <summary>A run-together token split into words: <c>CARRYDANGWPNKNIFE</c> → carry dang wpn knife.</summary>
    Segmented,
    /// <summary>A plain-language concept the text falls under (<c>data/charge_concepts.csv</c>).</summary>
    Concept,
}

/// <summary>
/// Reads a token that is not a word as the lexicon words it abbreviates, learned from the lexicon rather than
/// listed: a truncation (a prefix), the word with its vowels dropped (a prefix of its consonant skeleton), or,
/// weakest, a subsequence with the same first letter. The strongest kind that finds anything wins; within it the
/// words most used in offense names, at most two. Tokens of one or two letters are never guessed (only curated
/// entries read them): <c>OR</c>, <c>CS</c> and <c>NC</c> are too ambiguous to learn.
/// </summary>
public sealed class AbbreviationExpander(ChargeLexicon lexicon)
{
    private const int MaxReadings = 2;
    private const int MaxCached = 50_000;
    private readonly ConcurrentDictionary<string, (ExpansionKind Kind, string[] Words)?> _cache = new(StringComparer.Ordinal);

    public ChargeLexicon Lexicon { get; } = lexicon;

    /// <summary>
    /// The words <paramref name="token"/> (lower case letters) abbreviates, and how; null when it is a word itself,
    /// too short to guess, or abbreviates nothing in the lexicon.
    /// </summary>
    public (ExpansionKind Kind, string[] Words)? Expand(string token)
    {
        if (_cache.TryGetValue(token, out var cached))
        {
            return cached;
        }
        var result = Compute(token);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }
        _cache[token] = result;
        return result;
    }

    private (ExpansionKind Kind, string[] Words)? Compute(string token)
    {
        if (token.Length < 3 || Lexicon.IsWord(token) || !token.All(char.IsAsciiLetterLower) || AbbreviatesAFunctionWord(token))
        {
            return null;
        }
        foreach (var kind in new[] { ExpansionKind.Prefix, ExpansionKind.DroppedVowels, ExpansionKind.Subsequence })
        {
            var words = Lexicon.Candidates
                .Where(w => Reads(token, w, kind))
                .OrderByDescending(Lexicon.Weight).ThenBy(w => w.Length).ThenBy(w => w, StringComparer.Ordinal)
                .ToList();
            if (words.Count == 0)
            {
                continue;
            }
            // The weakest kind guesses one word only; the others keep a second word about as common as the first.
            var top = Lexicon.Weight(words[0]);
            var take = kind == ExpansionKind.Subsequence ? 1 : MaxReadings;
            return (kind, [.. words.Take(take).Where(w => Lexicon.Weight(w) * 2 >= top)]);
        }
        return null;
    }

    /// <summary>
    /// A false-friend guard: a token that truncates or drops the vowels of a function word (<c>FRM</c> is "from",
    /// not "firearm"; <c>WTH</c> is "with") is ambiguous, so it is never guessed.
    /// </summary>
    private static bool AbbreviatesAFunctionWord(string token) =>
        ChargeLexicon.FunctionWordList.Any(w => Reads(token, w, ExpansionKind.Prefix) || Reads(token, w, ExpansionKind.DroppedVowels));

    /// <summary>Whether <paramref name="token"/> abbreviates <paramref name="word"/> in any of the learned ways.</summary>
    public static bool Abbreviates(string token, string word) =>
        Reads(token, word, ExpansionKind.Prefix) || Reads(token, word, ExpansionKind.DroppedVowels)
        || (Vowels(token) <= 1 && Reads(token, word, ExpansionKind.Subsequence));

    /// <summary>
    /// Whether <paramref name="token"/> is a near-complete misspelling of <paramref name="word"/>: same first letter,
    /// five letters or more, its letters in order in the word, and at most two of the word's letters missing (<c>FICTIOUS</c>, <c>ALCOHL</c>).
    /// </summary>
    public static bool Misspells(string token, string word)
    {
        if (word.Length <= token.Length || word.Length - token.Length > 2 || token.Length < 5 || word[0] != token[0])
        {
            return false;
        }
        var j = 1;
        for (var i = 1; i < word.Length && j < token.Length; i++)
        {
            if (word[i] == token[j])
            {
                j++;
            }
        }
        return j == token.Length;
    }

    private static bool Reads(string token, string word, ExpansionKind kind)
    {
        if (word.Length <= token.Length || word[0] != token[0])
        {
            return false;
        }
        switch (kind)
        {
            case ExpansionKind.Prefix:
                // "arr" is a truncation of "arrest"; a one-letter tail is a plural or a spelling, not an abbreviation.
                return word.Length >= token.Length + 2 && word.StartsWith(token, StringComparison.Ordinal);
            case ExpansionKind.DroppedVowels:
                {
                    var skeleton = Skeleton(word);
                    return token.Length >= 3 && Vowels(token[1..]) == 0 && skeleton.Length > 1
                        && skeleton.StartsWith(Skeleton(token), StringComparison.Ordinal) && Skeleton(token).Length >= 3;
                }
            case ExpansionKind.Subsequence:
                {
                    // The token's letters in order, and its last letter must be matched before the word's last three.
                    var j = 1;
                    var matchedAt = 0;
                    for (var i = 1; i < word.Length && j < token.Length; i++)
                    {
                        if (word[i] == token[j])
                        {
                            j++;
                            matchedAt = i;
                        }
                    }
                    // Guards against false friends (CERT → conservation, FEAR → firearm, CODE → confidence): the token
                    // either looks like an abbreviation (one vowel at most after its first letter) and spells half the
                    // word (two fifths when it has no vowel: STMT → statement, BLDG → building), or is a misspelling
                    // that misses two letters at most (ALCOHL, LIVESTCK).
                    var vowels = Vowels(token[1..]);
                    var covers = vowels == 0 ? token.Length * 5 >= word.Length * 2 : token.Length * 2 >= word.Length;
                    return j == token.Length && token.Length >= 4 && matchedAt > 0
                        && ((vowels <= 1 && covers) || Misspells(token, word));
                }
            default:
                return false;
        }
    }

    /// <summary>The first letter, then the consonants, doubled letters once: "trespass" → "trsps", "weapon" → "wpn".</summary>
    public static string Skeleton(string word)
    {
        var chars = new List<char>(word.Length) { word[0] };
        for (var i = 1; i < word.Length; i++)
        {
            var c = word[i];
            if (!IsVowel(c) && c != chars[^1])
            {
                chars.Add(c);
            }
        }
        return new string([.. chars]);
    }

    private static int Vowels(string text) => text.Count(IsVowel);

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';
}
