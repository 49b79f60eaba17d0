using System.Globalization;
using System.Text;

namespace DetainerGraph.Search;

public enum QueryClauseKind
{
    /// <summary>A word: must match, stemmed, with typo tolerance by its length.</summary>
    Word,
    /// <summary>A word ending in <c>*</c>: any indexed word starting with it.</summary>
    Prefix,
    /// <summary>A "quoted phrase": these words, in this order.</summary>
    Phrase,
}

/// <summary>
/// One clause of the query. <see cref="Quoted"/>: written in quotes. A quoted single word (<c>"of"</c>, <c>"thft"</c>) is a
/// <see cref="QueryClauseKind.Word"/> like an unquoted one, and keeps what quotes promise: it is required even when a
/// connective, and matched without typo tolerance. Read as a plain word, <c>jumping "of"</c> found the 49 charges of
/// <c>jumping</c>, none of which says "of", and <c>"thfet"</c> 425 thefts.
/// </summary>
public sealed record QueryClause(QueryClauseKind Kind, string Text, bool Quoted = false);

/// <summary>
/// The user's query text, read by our own small grammar, never by an engine's query parser: words are
/// ANDed, <c>"quoted phrases"</c> match exactly, a trailing <c>*</c> makes a prefix. Everything else is
/// text. Both engines translate these clauses into their own query objects.
/// </summary>
public sealed record ChargeQuery(string Text, IReadOnlyList<QueryClause> Clauses)
{
    public const int MaxLength = 500;
    public const int MaxClauses = 32;

    /// <summary>
    /// True when the text held no words at all (blank): every document matches. Blank as the grammar reads it: the
    /// control and format characters it reads as spaces count as spaces, so a query of a NUL, a zero-width space or a
    /// byte-order mark (pasted text) matches every charge as an empty one does, not nothing as a symbol does.
    /// </summary>
    public bool MatchesAll => Clauses.Count == 0 && string.IsNullOrWhiteSpace(Clean(Text));

    public static ChargeQuery Parse(string? text)
    {
        text ??= "";
        if (text.Length > MaxLength)
        {
            throw new SearchQueryException("SEARCH_QUERY_TOO_LONG",
                $"The search query is {text.Length} characters long; at most {MaxLength} are allowed.");
        }
        var clauses = Read(Clean(text));
        if (clauses.Count > MaxClauses)
        {
            throw new SearchQueryException("SEARCH_QUERY_TOO_COMPLEX",
                $"The search query has {clauses.Count} words or phrases; at most {MaxClauses} are allowed.");
        }
        return new ChargeQuery(text, clauses);
    }

    /// <summary>
    /// Whether <see cref="Parse"/> refuses <paramref name="text"/> (longer than <see cref="MaxLength"/>, or more than
    /// <see cref="MaxClauses"/> words and phrases), without throwing: the cost analysis prices such a search as the field
    /// that fails before it searches, so that the client is told <c>SEARCH_QUERY_TOO_LONG</c>, not <c>COMPLEXITY</c>.
    /// </summary>
    public static bool Refuses(string? text) =>
        text is not null && (text.Length > MaxLength || Read(Clean(text)).Count > MaxClauses);

    /// <summary>The clauses of a cleaned text, however many.</summary>
    private static List<QueryClause> Read(string clean)
    {
        var clauses = new List<QueryClause>();
        var i = 0;
        while (i < clean.Length)
        {
            if (char.IsWhiteSpace(clean[i]))
            {
                i++;
                continue;
            }
            if (clean[i] == '"')
            {
                var close = clean.IndexOf('"', i + 1);
                if (close > i)
                {
                    var phrase = clean[(i + 1)..close].Trim();
                    if (phrase.Length > 0)
                    {
                        clauses.Add(new QueryClause(phrase.Contains(' ', StringComparison.Ordinal) ? QueryClauseKind.Phrase : QueryClauseKind.Word, phrase, Quoted: true));
                    }
                    i = close + 1;
                    continue;
                }
                // An unbalanced quote is just a character: the rest is read as words.
                i++;
                continue;
            }
            var end = i;
            while (end < clean.Length && !char.IsWhiteSpace(clean[end]) && clean[end] != '"')
            {
                end++;
            }
            var word = clean[i..end];
            i = end;
            if (word.EndsWith('*'))
            {
                var stem = word.TrimEnd('*');
                if (stem.Any(char.IsLetterOrDigit))
                {
                    clauses.Add(new QueryClause(QueryClauseKind.Prefix, stem));
                }
            }
            else if (word.Any(char.IsLetterOrDigit))
            {
                clauses.Add(new QueryClause(QueryClauseKind.Word, word));
            }
        }
        return clauses;
    }

    /// <summary>The shortest word allowed one edit: <see cref="AutoEdits"/>.</summary>
    public const int OneEditFrom = 4;

    /// <summary>The shortest word allowed two edits: <see cref="AutoEdits"/>.</summary>
    public const int TwoEditsFrom = 6;

    /// <summary>
    /// Typo tolerance by length: 0 edits up to 3 characters, 1 up to 5, else 2. Elasticsearch's <c>fuzziness: AUTO</c>
    /// (<c>AUTO:3,6</c>) allows a 3-letter word one edit; here that is <c>AUTO:4,6</c>, because a 3-letter query word in
    /// charge search is nearly always an abbreviation, and one edit of an abbreviation is another abbreviation or a
    /// function word, not a typo of it: over Travis County's charges <c>thc</c> found 4,158 drunk-driving charges
    /// through "the" (a word of their synonyms), <c>mar</c> 2,400 class A misdemeanors through "ma", <c>fsi</c> 639
    /// state-jail felonies through "fs", and the suggestion for <c>mem</c> was "rem".
    /// </summary>
    public static int AutoEdits(string word) => word.Length switch
    {
        < OneEditFrom => 0,
        < TwoEditsFrom => 1,
        _ => 2,
    };

    /// <summary>Words longer than this get no typo tolerance: their automata grow with length, and no charge word is that long.</summary>
    public const int MaxTypoLength = 20;

    /// <summary>
    /// The edits a word may be off by, the one rule of both engines: <see cref="AutoEdits"/>, except none for words
    /// with digits (NCIC codes, statute numbers such as 8USC1325), where one digit off is another offense; none past
    /// <see cref="MaxTypoLength"/> characters; and none when more of its characters are outside ASCII than it may be
    /// off by. The index is ASCII-folded, so such a word cannot come within its edits of an indexed word anyway,
    /// while each multi-byte character multiplies the states of a typo automaton.
    /// </summary>
    public static int TypoEdits(string word)
    {
        if (word.Length > MaxTypoLength || word.Any(char.IsDigit))
        {
            return 0;
        }
        var edits = AutoEdits(word);
        return word.Count(c => c > 0x7F) > edits ? 0 : edits;
    }

    /// <summary>Control characters and lone surrogates become spaces; the text is NFC-normalized.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                builder.Append(' ');
            }
            else
            {
                builder.Append(c);
            }
        }
        var cleaned = builder.ToString();
        return cleaned.IsNormalized(NormalizationForm.FormC) ? cleaned : cleaned.Normalize(NormalizationForm.FormC);
    }
}

/// <summary>A query the user can fix: <see cref="Code"/> goes to <c>extensions.code</c>.</summary>
public sealed class SearchQueryException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
