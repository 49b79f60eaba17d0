using System.Collections.Concurrent;
using DetainerGraph.Import;

namespace DetainerGraph.Search.Analysis;

/// <summary>One reading of a token: the words it stands for, how it was read, and why.</summary>
public sealed record Expansion(string Token, string Words, ExpansionKind Kind, string Basis);

/// <summary>
/// What <see cref="ChargeReader"/> made of a charge text: its tokens, every expansion, and the NCIC category it
/// falls in (given, or found by the category rules); <see cref="IndexText"/> is what the engines index beside the text.
/// </summary>
/// <param name="IndexText">
/// The expansion words that the indexed description (its words, stems and synonyms) does not already hold, indexed in
/// their own field, weighted below the text: a word the text already says never scores twice, so the text that says
/// it outright keeps its rank (<c>AGGRAV ASSLT</c> does not outrank <c>Assault</c> for "assault").
/// </param>
public sealed record ChargeReading(IReadOnlyList<string> Tokens, IReadOnlyList<Expansion> Expansions, string? Category, string IndexText);

/// <summary>
/// Reads abbreviated jail charge text (<c>CRIM TRSP 1 /DV</c>, <c>CCW W/O PERMIT</c>, <c>CARRYDANGWPNKNIFE</c>) as
/// the words it stands for, in one shared piece of C# both search engines index from, so Lucene and
/// Elasticsearch see the same extra words. Per token, in order: a curated abbreviation whose context holds
/// (<c>data/charge_abbreviations.csv</c>: <c>OR</c> is "order" only after an order's kind such as REST or PROT);
/// a lexicon word is itself; otherwise the learned reading of <see cref="AbbreviationExpander"/>; a long
/// token that reads as nothing better is split into words (<see cref="Segment"/>). Then concepts
/// (<c>data/charge_concepts.csv</c>) add the plain words a reporter uses ("firearm", "drunk driving") when the
/// text's words or category match one of their alternatives. Thread-safe; readings are cached by text.
/// </summary>
public sealed class ChargeReader
{
    private const int MaxCached = 100_000;
    private const int MinSegmentedLength = 8;

    private static readonly ConcurrentDictionary<string, ChargeReader> Loaded = new(StringComparer.Ordinal);

    private readonly Dictionary<string, List<CuratedEntry>> _curated = new(StringComparer.Ordinal);
    private readonly List<Rule> _concepts = [];
    private readonly List<Rule> _categoryRules = [];
    private readonly ConcurrentDictionary<(string Text, string? Category), ChargeReading> _cache = new();
    private int _cached;
    private readonly ConcurrentDictionary<string, string> _stems = new(StringComparer.Ordinal);
    private readonly Lucene.Net.Analysis.Analyzer _stemmer = ChargeAnalysis.QueryAnalyzer();

    private readonly Lazy<Lucene.Net.Analysis.Analyzer> _synonymAnalyzer;

    private ChargeReader(string dataDirectory, bool curated)
    {
        _synonymAnalyzer = new(() => ChargeAnalysis.IndexAnalyzer(ChargeAnalysis.LoadSynonyms(Path.Combine(dataDirectory, ChargeAnalysis.SynonymFileName))));
        Expander = new AbbreviationExpander(ChargeLexicon.Load(dataDirectory));
        if (curated)
        {
            foreach (var row in Rows(Path.Combine(dataDirectory, AbbreviationsFileName)))
            {
                var entry = new CuratedEntry(row[1].Trim().ToLowerInvariant(), Context.Parse(row[2]), row[3]);
                if (!_curated.TryGetValue(row[0].Trim().ToLowerInvariant(), out var list))
                {
                    _curated[row[0].Trim().ToLowerInvariant()] = list = [];
                }
                list.Add(entry);
            }
        }
        foreach (var row in Rows(Path.Combine(dataDirectory, ConceptsFileName)))
        {
            _concepts.Add(ParseRule(row[0], row[1], row[2]));
        }
        foreach (var row in Rows(Path.Combine(dataDirectory, CategoryRulesFileName)))
        {
            _categoryRules.Add(ParseRule(row[0], row[1], row[2]));
        }
    }

    public const string AbbreviationsFileName = "charge_abbreviations.csv";
    public const string ConceptsFileName = "charge_concepts.csv";
    public const string CategoryRulesFileName = "charge_category_rules.csv";

    public AbbreviationExpander Expander { get; }

    /// <summary>The reader of the shipped <c>data/</c> folder next to the binaries, loaded once.</summary>
    public static ChargeReader Shipped => For(Path.Combine(AppContext.BaseDirectory, "data"));

    /// <summary>The reader of a data folder, loaded once per folder.</summary>
    public static ChargeReader For(string dataDirectory) => Loaded.GetOrAdd(Path.GetFullPath(dataDirectory), d => new ChargeReader(d, curated: true));

    /// <summary>A reader with no curated abbreviations: what the learned expander alone reads (measurements).</summary>
    public static ChargeReader LearnedOnly(string dataDirectory) => new(dataDirectory, curated: false);

    /// <summary>Reads <paramref name="text"/>; <paramref name="category"/> is its NCIC category when already known.</summary>
    public ChargeReading Read(string text, string? category = null)
    {
        if (_cache.TryGetValue((text, category), out var cached))
        {
            return cached;
        }
        // A category given is most often the one the rules found when the text was read without one (an import
        // classifies a charge, then indexes it with that category): that reading is this one.
        if (category is not null && _cache.TryGetValue((text, null), out var unclassified) && unclassified.Category == category)
        {
            return unclassified;
        }
        var reading = Compute(text, category);
        // Counted here, not asked of the dictionary: ConcurrentDictionary.Count takes every one of its locks, and was
        // asked once per text not yet read (an import of 100,000 distinct charge texts spent a tenth of its CPU there).
        // The count is approximate under concurrent reads, which is all a bound needs.
        if (Volatile.Read(ref _cached) >= MaxCached)
        {
            _cache.Clear();
            Volatile.Write(ref _cached, 0);
        }
        if (_cache.TryAdd((text, category), reading))
        {
            Interlocked.Increment(ref _cached);
        }
        return reading;
    }

    /// <summary>The NCIC category the category rules give the text's words, or null.</summary>
    public string? Classify(string text) => Read(text).Category;

    /// <summary>The Porter stem of a lower-case word, as both engines index it.</summary>
    public string Stem(string word) => _stems.GetOrAdd(word, w =>
        ChargeAnalysis.Tokens(_stemmer, "description", w) is [var only, ..] ? only : w);

    /// <summary>The stems of a text's words, as both engines index them (no synonyms).</summary>
    public HashSet<string> Stems(string text) => [.. ChargeLexicon.Words(text).Select(Stem)];

    /// <summary>The stems the index analyzer (with synonyms) makes of a text: what the description field holds.</summary>
    public HashSet<string> SynonymStems(string text) => [.. ChargeAnalysis.Tokens(_synonymAnalyzer.Value, "description", text)];

    private ChargeReading Compute(string text, string? knownCategory)
    {
        var tokens = Tokenize(text);
        var raw = new HashSet<string>(tokens, StringComparer.Ordinal);
        var expansions = new List<Expansion>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.All(char.IsAsciiLetterLower))
            {
                continue;
            }
            var previous = i > 0 ? tokens[i - 1] : null;
            if (Curated(token, previous, raw) is { } curated)
            {
                if (curated.Words != token)
                {
                    expansions.Add(new Expansion(token, curated.Words, ExpansionKind.Curated, curated.Basis));
                }
                continue;
            }
            // A curated token whose contexts all fail is ambiguous there (REST in REST STOP, OR in "40 GRAMS OR LESS"):
            // it is read as itself, never guessed.
            if (_curated.ContainsKey(token))
            {
                continue;
            }
            if (Expander.Lexicon.IsWord(token))
            {
                continue;
            }
            var learned = Expander.Expand(token);
            if ((learned is null || learned.Value.Kind == ExpansionKind.Subsequence) && token.Length >= MinSegmentedLength
                && Segment(token) is { } pieces)
            {
                var words = new List<string>();
                foreach (var piece in pieces)
                {
                    words.Add(PieceWords(piece));
                }
                expansions.Add(new Expansion(token, string.Join(' ', words), ExpansionKind.Segmented,
                    "split into " + string.Join(' ', pieces)));
                continue;
            }
            if (learned is { } found)
            {
                expansions.Add(new Expansion(token, string.Join(' ', found.Words), found.Kind, LearnedBasis(found.Kind)));
            }
        }

        var stems = new HashSet<string>(tokens.Select(Stem), StringComparer.Ordinal);
        foreach (var expansion in expansions)
        {
            stems.UnionWith(Stems(expansion.Words));
        }
        var category = knownCategory;
        if (category is null)
        {
            foreach (var rule in _categoryRules)
            {
                if (rule.Matches(stems, null) is not null)
                {
                    category = rule.Target;
                    break;
                }
            }
        }
        foreach (var concept in _concepts)
        {
            if (concept.Matches(stems, category) is { } alternative)
            {
                expansions.Add(new Expansion(alternative, concept.Target, ExpansionKind.Concept, concept.Basis));
            }
        }
        var indexed = SynonymStems(text);
        var extra = new List<string>();
        foreach (var word in expansions.SelectMany(e => ChargeLexicon.Words(e.Words)))
        {
            if (indexed.Add(Stem(word)))
            {
                extra.Add(word);
            }
        }
        return new ChargeReading(tokens, expansions, category, string.Join(' ', extra));
    }

    private (string Words, string Basis)? Curated(string token, string? previous, HashSet<string> raw)
    {
        if (!_curated.TryGetValue(token, out var entries))
        {
            return null;
        }
        foreach (var entry in entries)
        {
            if (entry.Context.Holds(previous, raw, token))
            {
                return (entry.Words, entry.Basis);
            }
        }
        return null;
    }

    private static string LearnedBasis(ExpansionKind kind) => kind switch
    {
        ExpansionKind.Prefix => "a truncation of the word (learned from the lexicon)",
        ExpansionKind.DroppedVowels => "the word with its vowels dropped (learned from the lexicon)",
        _ => "the word's letters in order (learned from the lexicon)",
    };

    /// <summary>The words one piece of a run-together token stands for.</summary>
    private string PieceWords(string piece)
    {
        if (_curated.TryGetValue(piece, out var entries) && entries.FirstOrDefault(e => e.Context.IsEmpty) is { } entry)
        {
            return entry.Words;
        }
        if (Expander.Lexicon.IsWord(piece))
        {
            return piece;
        }
        return Expander.Expand(piece) is { } learned ? learned.Words[0] : piece;
    }

    /// <summary>
    /// Splits a run-together token into the fewest, most word-like pieces: a lexicon word costs 1, a curated
    /// abbreviation 1.5, a learned truncation or vowel-less word 2.5 (at least three letters each). Null unless
    /// it splits into two pieces or more, one of them a word of four letters or more.
    /// </summary>
    public IReadOnlyList<string>? Segment(string token)
    {
        var n = token.Length;
        var cost = new double[n + 1];
        var from = new int[n + 1];
        Array.Fill(cost, double.PositiveInfinity);
        cost[0] = 0;
        for (var end = 3; end <= n; end++)
        {
            for (var start = Math.Max(0, end - 16); start <= end - 3; start++)
            {
                if (double.IsPositiveInfinity(cost[start]))
                {
                    continue;
                }
                var piece = token[start..end];
                var pieceCost = PieceCost(piece);
                if (cost[start] + pieceCost < cost[end])
                {
                    cost[end] = cost[start] + pieceCost;
                    from[end] = start;
                }
            }
        }
        if (double.IsPositiveInfinity(cost[n]))
        {
            return null;
        }
        var pieces = new List<string>();
        for (var end = n; end > 0; end = from[end])
        {
            pieces.Insert(0, token[from[end]..end]);
        }
        return pieces.Count >= 2 && pieces.Any(p => p.Length >= 4 && Expander.Lexicon.IsWord(p)) ? pieces : null;
    }

    private double PieceCost(string piece)
    {
        if (Expander.Lexicon.IsWord(piece) && !ChargeLexicon.IsFunctionWord(piece))
        {
            return 1;
        }
        if (_curated.TryGetValue(piece, out var entries) && entries.Any(e => e.Context.IsEmpty))
        {
            return 1.5;
        }
        return Expander.Expand(piece) is { Kind: ExpansionKind.Prefix or ExpansionKind.DroppedVowels } ? 2.5 : double.PositiveInfinity;
    }

    /// <summary>
    /// The text's tokens, lower case: runs of letters and runs of digits; single letters joined across a slash or a
    /// dot (<c>N/C</c> → nc, <c>W/O</c> → wo, <c>P.O.</c> → po).
    /// </summary>
    public static List<string> Tokenize(string text)
    {
        var pieces = new List<(string Text, int Start, int End)>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            var letters = char.IsAsciiLetter(text[i]);
            while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]) && char.IsAsciiLetter(text[i]) == letters)
            {
                i++;
            }
            pieces.Add((text[start..i].ToLowerInvariant(), start, i));
        }
        var tokens = new List<string>(pieces.Count);
        for (var p = 0; p < pieces.Count; p++)
        {
            var piece = pieces[p];
            if (piece.Text.Length == 1 && char.IsAsciiLetter(piece.Text[0]))
            {
                var joined = piece.Text;
                var end = piece.End;
                while (p + 1 < pieces.Count && pieces[p + 1].Text.Length == 1 && char.IsAsciiLetter(pieces[p + 1].Text[0])
                    && pieces[p + 1].Start == end + 1 && text[end] is '/' or '.')
                {
                    joined += pieces[++p].Text;
                    end = pieces[p].End;
                }
                tokens.Add(joined);
                continue;
            }
            tokens.Add(piece.Text);
        }
        return tokens;
    }

    private Rule ParseRule(string target, string when, string basis)
    {
        var alternatives = new List<Alternative>();
        foreach (var part in when.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("category:", StringComparison.Ordinal))
            {
                alternatives.Add(new Alternative(part, null, part["category:".Length..], []));
                continue;
            }
            // A word written !word must be absent: "assault family !non" is no "Aggravated Assault - Non-family-Gun".
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var wanted = string.Join(' ', words.Where(w => !w.StartsWith('!')));
            var absent = words.Where(w => w.StartsWith('!')).SelectMany(w => ChargeLexicon.Words(w[1..])).Select(Stem);
            alternatives.Add(new Alternative(wanted, [.. ChargeLexicon.Words(wanted).Select(Stem)], null, [.. absent]));
        }
        return new Rule(target.Trim(), alternatives, basis);
    }

    private static IEnumerable<string[]> Rows(string path)
    {
        var first = true;
        foreach (var record in CsvReader.ReadFile(path))
        {
            if (first)
            {
                first = false;
                continue;
            }
            if (record.Fields.Count < 3 || record.Fields[0].Trim().Length == 0)
            {
                continue;
            }
            yield return [.. record.Fields.Select(f => f.Trim()), "", ""];
        }
    }

    private sealed record CuratedEntry(string Words, Context Context, string Basis);

    private sealed record Alternative(string Text, string[]? Stems, string? Category, string[] Absent);

    private sealed record Rule(string Target, IReadOnlyList<Alternative> Alternatives, string Basis)
    {
        /// <summary>The first alternative the text's stems (or its category) satisfy, or null.</summary>
        public string? Matches(HashSet<string> stems, string? category)
        {
            foreach (var alternative in Alternatives)
            {
                if (alternative.Category is { } wanted
                    ? wanted == category
                    : alternative.Stems!.All(stems.Contains) && !alternative.Absent.Any(stems.Contains))
                {
                    return alternative.Text;
                }
            }
            return null;
        }
    }

    /// <summary>When a curated entry applies: always, right after one of some tokens, or with one of them anywhere.</summary>
    private sealed record Context(HashSet<string>? After, HashSet<string>? With)
    {
        public bool IsEmpty => After is null && With is null;

        public bool Holds(string? previous, HashSet<string> raw, string token) =>
            (After is null || (previous is not null && After.Contains(previous)))
            && (With is null || With.Any(w => w != token && raw.Contains(w)));

        public static Context Parse(string text)
        {
            text = text.Trim();
            if (text.Length == 0)
            {
                return new Context(null, null);
            }
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var words = new HashSet<string>(text[(colon + 1)..].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            return text[..colon] switch
            {
                "after" => new Context(words, null),
                "with" => new Context(null, words),
                _ => throw new InvalidDataException($"{AbbreviationsFileName}: unknown context '{text}' (expected after:… or with:…)."),
            };
        }
    }
}
