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
/// it is a single term, <see cref="ChargeQuery.TypoEdits"/> allows edits, and the index does not hold it in
/// the description: a word the index knows is taken as meant (otherwise <c>sex</c> also finds "INA SEC.101",
/// <c>traffic</c> "Drug Trafficking"). Lucene answers "does the index hold it?" from its term dictionary,
/// Elasticsearch with one batched lookup (<see cref="FuzzCandidates"/>).
/// </summary>
public sealed record ChargeQueryPlan(bool MatchesAll, IReadOnlyList<PlannedClause> Clauses)
{
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
        .. query.Clauses.Where(c => c.Kind == QueryClauseKind.Word)
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
        foreach (var clause in query.Clauses)
        {
            var terms = Terms(clause);
            if (terms.Count == 0)
            {
                continue;
            }
            var edits = clause.Kind == QueryClauseKind.Word && terms.Count == 1 && ChargeQuery.TypoEdits(terms[0]) > 0
                ? FuzzyEdits(terms[0], indexHolds(terms[0]))
                : 0;
            clauses.Add(new PlannedClause(clause.Kind, terms, edits));
        }
        return new ChargeQueryPlan(query.MatchesAll, clauses);
    }
}
