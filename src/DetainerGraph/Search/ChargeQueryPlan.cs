using Lucene.Net.Analysis;

namespace DetainerGraph.Search;

/// <summary>
/// One clause of a <see cref="ChargeQueryPlan"/>: the terms both engines look up, already analysed here.
/// <list type="bullet">
/// <item><see cref="QueryClauseKind.Word"/>: the stemmed terms. One term: that term in the description or the
/// codes, plus its neighbours within <see cref="FuzzyEdits"/> edits when that is above 0. Several terms (a
/// "word" such as <c>sex-assault</c> that analysis splits): each term, exactly, in either field.</item>
/// <item><see cref="QueryClauseKind.Phrase"/>: the stemmed terms, consecutive, in the description or the codes.</item>
/// <item><see cref="QueryClauseKind.Prefix"/>: the unstemmed terms (lower case, ASCII folded); all but the last
/// exactly among the unstemmed words, the last as a prefix of an unstemmed word, a description stem or a code.
/// The prefix is never stemmed.</item>
/// </list>
/// </summary>
public sealed record PlannedClause(QueryClauseKind Kind, IReadOnlyList<string> Terms, int FuzzyEdits = 0);

/// <summary>
/// How a parsed <see cref="ChargeQuery"/> is read, decided once for both engines: which analysis each clause
/// gets (stemmed words and phrases, unstemmed prefixes), and which words are fuzzy. A word is fuzzy only when
/// it is a single term outside quotes, <see cref="ChargeQuery.TypoEdits"/> allows edits, and the index does not hold it in
/// the description: a word the index knows is taken as meant (otherwise <c>sex</c> also finds "INA SEC.101",
/// <c>traffic</c> "Drug Trafficking"). Lucene answers "does the index hold it?" from its term dictionary,
/// Elasticsearch with one batched lookup (<see cref="FuzzCandidates"/>). Connectives outside quotes (<c>of</c>,
/// <c>with</c>, <c>a</c>...) are left out when the query has other words (<see cref="RequiredClauses"/>).
/// <see cref="KnownTerms"/> keeps which looked-up terms the index holds, for "did you mean" (<see cref="SuggestionEdits"/>).
/// </summary>
public sealed record ChargeQueryPlan(bool MatchesAll, IReadOnlyList<PlannedClause> Clauses)
{
    /// <summary>The terms of <see cref="FuzzCandidates"/> the index holds in the description: words the search knows.</summary>
    public IReadOnlySet<string> KnownTerms { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Words that jail charge texts leave out or shorten to a letter: <c>BURGLARY HABITATION</c>, <c>INDECENCY W/CHILD</c>,
    /// <c>THEFT PROP >=$100&lt;$750</c>, <c>FAILURE TO APPEAR</c> beside <c>BAIL JUMP&amp;FAIL TO APPEAR</c>. Required, a
    /// reporter's "burglary of habitation" missed 20 of Travis County's 133 such charges, "indecency with a child" all 47,
    /// "theft of property >=$100&lt;$750" all 4. Negations (<c>no</c>, <c>not</c>) and comparisons (<c>under</c>,
    /// <c>over</c>, <c>less</c>, <c>more</c>) carry meaning and stay required.
    /// </summary>
    private static readonly HashSet<string> Connectives = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "w", "with",
    };

    /// <summary>
    /// The clauses a search requires: all of them, except that a word (outside quotes, without digits) made only of
    /// <see cref="Connectives"/> is left out when another clause remains. Inside quotes they stay: a phrase matches its
    /// words in order.
    /// </summary>
    public static IReadOnlyList<QueryClause> RequiredClauses(ChargeQuery query)
    {
        var required = query.Clauses.Where(c => !IsConnective(c)).ToList();
        return required.Count > 0 ? required : query.Clauses;
    }

    private static bool IsConnective(QueryClause clause) =>
        clause.Kind == QueryClauseKind.Word && !clause.Quoted && !clause.Text.Any(char.IsDigit)
        && Analysis.ChargeLexicon.Words(clause.Text).ToList() is { Count: > 0 } words && words.All(Connectives.Contains);

    private static readonly Analyzer Stemmed = ChargeAnalysis.QueryAnalyzer();
    private static readonly Analyzer Unstemmed = ChargeAnalysis.PlainWordAnalyzer();

    /// <summary>True when the text had words but none survived analysis (symbols, emoji, over-long tokens): nothing matches.</summary>
    public bool MatchesNothing => !MatchesAll && Clauses.Count == 0;

    /// <summary>The analysed terms of one clause: unstemmed for a prefix, stemmed otherwise.</summary>
    public static IReadOnlyList<string> Terms(QueryClause clause) =>
        ChargeAnalysis.Tokens(clause.Kind == QueryClauseKind.Prefix ? Unstemmed : Stemmed, "description", clause.Text);

    /// <summary>The edits a word may be off by, given whether the index holds it: none when it does.</summary>
    public static int FuzzyEdits(string term, bool indexHoldsTerm) => indexHoldsTerm ? 0 : ChargeQuery.TypoEdits(term);

    /// <summary>
    /// The terms whose fuzziness depends on the index (single-term words that may have typos), each once, in
    /// query order: what an engine must look up before it can <see cref="Plan"/>.
    /// </summary>
    public static IReadOnlyList<string> FuzzCandidates(ChargeQuery query) =>
    [
        .. RequiredClauses(query).Where(c => c.Kind == QueryClauseKind.Word && !c.Quoted)
            .Select(Terms)
            .Where(t => t.Count == 1 && ChargeQuery.TypoEdits(t[0]) > 0)
            .Select(t => t[0])
            .Distinct(StringComparer.Ordinal),
    ];

    /// <summary>
    /// The plan of <paramref name="query"/>; <paramref name="indexHolds"/> says whether the index holds a
    /// description term (asked only for <see cref="FuzzCandidates"/>). Clauses that analyse to no term are left out.
    /// </summary>
    public static ChargeQueryPlan Plan(ChargeQuery query, Func<string, bool> indexHolds)
    {
        var clauses = new List<PlannedClause>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clause in RequiredClauses(query))
        {
            var terms = Terms(clause);
            if (terms.Count == 0)
            {
                continue;
            }
            var edits = 0;
            // A quoted word is taken as typed, as a phrase is.
            if (clause.Kind == QueryClauseKind.Word && !clause.Quoted && terms.Count == 1 && ChargeQuery.TypoEdits(terms[0]) > 0)
            {
                var holds = indexHolds(terms[0]);
                if (holds)
                {
                    known.Add(terms[0]);
                }
                edits = FuzzyEdits(terms[0], holds);
            }
            clauses.Add(new PlannedClause(clause.Kind, terms, edits));
        }
        return new ChargeQueryPlan(query.MatchesAll, clauses) { KnownTerms = known };
    }

    /// <summary>
    /// The edits "did you mean" may change <paramref name="word"/> (a query word as the unstemmed <c>words</c> field reads
    /// it) by, in both engines: <see cref="ChargeQuery.TypoEdits"/>, and none when its term is one the search knows
    /// (<see cref="KnownTerms"/>): "drunk zzqx" matched nothing because of "zzqx", and the suggestion "drug zzqx" rewrote
    /// the word that was right (the <c>words</c> field holds only the text's own words, not "drunk" from the synonyms).
    /// </summary>
    public int SuggestionEdits(string word)
    {
        var edits = ChargeQuery.TypoEdits(word);
        return edits > 0 && Terms(new QueryClause(QueryClauseKind.Word, word)) is [var term] && KnownTerms.Contains(term) ? 0 : edits;
    }
}
