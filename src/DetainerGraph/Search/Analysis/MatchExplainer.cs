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
    /// <summary>None of the above: the word matched a near spelling (typo tolerance) or a prefix.</summary>
    NearSpelling,
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
        var textStems = reader.Stems(description);
        var synonymStems = reader.SynonymStems(description);
        var codeStems = reader.Stems(string.Join(' ', new[] { ncicCode, category }.Where(v => v is not null)));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clause in query.Clauses)
        {
            foreach (var word in ChargeLexicon.Words(clause.Text).Concat(clause.Text.Split(' ').Where(w => w.Any(char.IsDigit))))
            {
                if (!seen.Add(word))
                {
                    continue;
                }
                reasons.Add(Reason(reader, word, reading, textStems, synonymStems, codeStems, clause.Kind == QueryClauseKind.Prefix));
            }
        }
        return reasons;
    }

    private static MatchReason Reason(ChargeReader reader, string word, ChargeReading reading, HashSet<string> textStems,
        HashSet<string> synonymStems, HashSet<string> codeStems, bool prefix)
    {
        var stem = word.Any(char.IsDigit) ? word.ToLowerInvariant() : reader.Stem(word.ToLowerInvariant());
        if (textStems.Contains(stem))
        {
            return new MatchReason(word, MatchKind.Text, word, "the charge text says it");
        }
        if (synonymStems.Contains(stem))
        {
            return new MatchReason(word, MatchKind.Synonym, "charge_synonyms.txt", "a synonym rule puts it on the text");
        }
        foreach (var expansion in reading.Expansions.Where(e => e.Kind != ExpansionKind.Concept))
        {
            if (reader.Stems(expansion.Words).Contains(stem))
            {
                var kind = expansion.Kind == ExpansionKind.Segmented ? MatchKind.RunTogether : MatchKind.Abbreviation;
                return new MatchReason(word, kind, expansion.Token.ToUpperInvariant(),
                    $"{expansion.Token.ToUpperInvariant()} reads as \"{expansion.Words}\": {expansion.Basis}");
            }
        }
        foreach (var expansion in reading.Expansions.Where(e => e.Kind == ExpansionKind.Concept))
        {
            if (reader.Stems(expansion.Words).Contains(stem))
            {
                return new MatchReason(word, MatchKind.Concept, expansion.Token,
                    $"\"{expansion.Token}\" falls under the concept \"{expansion.Words}\": {expansion.Basis}");
            }
        }
        if (codeStems.Contains(stem))
        {
            return new MatchReason(word, MatchKind.Category, reading.Category ?? word, "the charge's NCIC code or category has it");
        }
        return new MatchReason(word, MatchKind.NearSpelling, word,
            prefix ? "a word of the text starts with it" : "a word of the text is a near spelling of it (typo tolerance)");
    }
}
