namespace DetainerGraph.Search.Analysis;

/// <summary>How a query word met a charge.</summary>
public enum MatchKind
{
    /// <summary>The charge text says the word (same stem).</summary>
    Text,
    /// <summary>A rule of <c>data/charge_synonyms.txt</c> put the word on the text (<c>UPCS</c> for "drug possession").</summary>
    Synonym,
    /// <summary>A token of the text abbreviates the word (<c>TRSP</c> → trespass), curated or learned.</summary>
    Abbreviation,
    /// <summary>A run-together token holds the word (<c>CARRYDANGWPNKNIFE</c> → carry dangerous weapon knife).</summary>
    RunTogether,
    /// <summary>The text falls under a concept that uses the word (<c>CCW</c> → weapon offense → "firearm").</summary>
    Concept,
    /// <summary>The charge's NCIC code or category has the word.</summary>
    Category,
    /// <summary>A word of the charge (its text, synonyms, readings or category) is a near spelling of the word (typo tolerance), or starts with it (a prefix).</summary>
    NearSpelling,
    /// <summary>
    /// The engine matched the charge, but no reading above was found to say why: said plainly rather than guessed (until
    /// 2026-12-01 every such case was labelled a near spelling, which was false for matches made through the category).
    /// </summary>
    Undetermined,
}

/// <summary>Why one query word matched: the word, how, from what in the charge, and the basis of the reading.</summary>
public sealed record MatchReason(string Word, MatchKind Kind, string From, string Detail);

/// <summary>
/// Explains a hit after the fact from the query, the charge text and its category, reading the text again with
/// <see cref="ChargeReader"/> (cached by text): cheap, engine-independent, and only run when a client asks for
/// <c>why</c>.
/// </summary>
public static class MatchExplainer
{
    public static IReadOnlyList<MatchReason> Explain(ChargeReader reader, ChargeQuery query, string description, string? ncicCode, string? category)
    {
        var reasons = new List<MatchReason>();
        if (query.MatchesAll)
        {
            return reasons;
        }
        var reading = reader.Read(description, category);
        var readings = new Readings(reader, description, string.Join(' ', new[] { ncicCode, category }.Where(v => v is not null)), reading);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // The connectives a search leaves out ("of" in "burglary of habitation") took no part in the match.
        foreach (var clause in ChargeQueryPlan.RequiredClauses(query))
        {
            foreach (var word in ChargeLexicon.Words(clause.Text).Concat(clause.Text.Split(' ').Where(w => w.Any(char.IsDigit))))
            {
                if (!seen.Add(word))
                {
                    continue;
                }
                reasons.Add(Reason(reader, word, reading, readings, clause.Kind == QueryClauseKind.Prefix));
            }
        }
        return reasons;
    }

    private static MatchReason Reason(ChargeReader reader, string word, ChargeReading reading, Readings readings, bool prefix)
    {
        var lower = word.ToLowerInvariant();
        var stem = word.Any(char.IsDigit) ? lower : reader.Stem(lower);
        if (readings.TextStems.Contains(stem))
        {
            return new MatchReason(word, MatchKind.Text, word, "the charge text says it");
        }
        if (readings.SynonymStems.Contains(stem))
        {
            return new MatchReason(word, MatchKind.Synonym, "charge_synonyms.txt", "a synonym rule puts it on the text");
        }
        // The expansions and the category are indexed with the synonym list too: a word found only through a synonym
        // of them says so, rather than passing for a word of the text.
        foreach (var viaSynonym in new[] { false, true })
        {
            var suffix = viaSynonym ? ", and a rule of charge_synonyms.txt reads that as the word" : "";
            foreach (var expansion in reading.Expansions.Where(e => e.Kind != ExpansionKind.Concept))
            {
                if (readings.Of(expansion.Words, viaSynonym).Contains(stem))
                {
                    var kind = expansion.Kind == ExpansionKind.Segmented ? MatchKind.RunTogether : MatchKind.Abbreviation;
                    return new MatchReason(word, kind, expansion.Token.ToUpperInvariant(),
                        $"{expansion.Token.ToUpperInvariant()} reads as \"{expansion.Words}\": {expansion.Basis}{suffix}");
                }
            }
            foreach (var expansion in reading.Expansions.Where(e => e.Kind == ExpansionKind.Concept))
            {
                if (readings.Of(expansion.Words, viaSynonym).Contains(stem))
                {
                    return new MatchReason(word, MatchKind.Concept, expansion.Token,
                        $"\"{expansion.Token}\" falls under the concept \"{expansion.Words}\": {expansion.Basis}{suffix}");
                }
            }
            if (readings.Codes.Length > 0 && readings.Of(readings.Codes, viaSynonym).Contains(stem))
            {
                return new MatchReason(word, MatchKind.Category, reading.Category ?? readings.Codes,
                    viaSynonym ? $"the charge's NCIC code or category (\"{readings.Codes}\") reads as it through a rule of charge_synonyms.txt"
                        : "the charge's NCIC code or category has it");
            }
        }
        if (prefix)
        {
            return readings.Words().Concat(readings.Stems()).FirstOrDefault(w => w.StartsWith(lower, StringComparison.Ordinal)) is { } longer
                ? new MatchReason(word, MatchKind.NearSpelling, longer, $"a word of the charge, \"{longer}\", starts with it")
                : Undetermined(word);
        }
        var edits = ChargeQuery.TypoEdits(stem);
        // The nearest such word (then the first in ordinal order), so the answer does not depend on set order.
        var near = edits == 0 ? null : readings.Stems().Distinct(StringComparer.Ordinal)
            .Select(s => (Word: s, Edits: EditDistance(stem, s, edits)))
            .Where(c => c.Edits <= edits)
            .OrderBy(c => c.Edits).ThenBy(c => c.Word, StringComparer.Ordinal)
            .Select(c => c.Word).FirstOrDefault();
        return near is not null
            ? new MatchReason(word, MatchKind.NearSpelling, near, $"a word of the charge, \"{near}\", is a near spelling of it (typo tolerance)")
            : Undetermined(word);
    }

    private static MatchReason Undetermined(string word) => new(word, MatchKind.Undetermined, word,
        "the search engine matched it, but no reading of the charge (its text, synonyms, abbreviations, concepts, category or a near spelling) was found to say why");

    /// <summary>
    /// The edits (insertions, deletions, substitutions, transpositions of neighbours) between two words, as the engines'
    /// typo automata count them; any value above <paramref name="max"/> once the words are known to differ by more.
    /// </summary>
    public static int EditDistance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>What a charge is indexed as, read once per hit: the stems of its text (plain and with synonyms), its codes, and its readings.</summary>
    private sealed class Readings(ChargeReader reader, string description, string codes, ChargeReading reading)
    {
        public HashSet<string> TextStems { get; } = reader.Stems(description);

        public HashSet<string> SynonymStems { get; } = reader.SynonymStems(description);

        /// <summary>The NCIC code and category, as the engines index them beside the text ("" without either).</summary>
        public string Codes { get; } = codes;

        /// <summary>The stems of <paramref name="text"/>, with or without the synonym list.</summary>
        public HashSet<string> Of(string text, bool viaSynonym) => viaSynonym ? reader.SynonymStems(text) : reader.Stems(text);

        /// <summary>Every unstemmed word the charge is indexed with: the text, its readings and its codes.</summary>
        public IEnumerable<string> Words() => ChargeLexicon.Words(description)
            .Concat(reading.Expansions.SelectMany(e => ChargeLexicon.Words(e.Words)))
            .Concat(ChargeLexicon.Words(Codes));

        /// <summary>Every stem the charge is indexed with, synonyms included: what a typo of a word can have reached.</summary>
        public IEnumerable<string> Stems() => SynonymStems
            .Concat(reading.Expansions.SelectMany(e => reader.SynonymStems(e.Words)))
            .Concat(reader.SynonymStems(Codes));
    }
}
