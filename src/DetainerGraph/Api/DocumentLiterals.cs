using GraphQLParser.AST;
using GraphQLParser.Visitors;

namespace DetainerGraph.Api;

/// <summary>
/// The literal values a document writes, read once with its other bounds (<see cref="DocumentLimits"/>), for what the
/// JSON reader refuses in variables and the parser lets through:
/// <list type="bullet">
/// <item>a number longer than <see cref="LongNumbers.MaxLength"/> (an ID literal of 250,000 digits took 1.6 s to
/// read; see <see cref="LongNumbers"/>), refused as <see cref="DocumentLimits.TooLargeCode"/>;</item>
/// <item>a string with an escaped lone surrogate (<c>"\ud800"</c>, half of a UTF-16 pair). The parser keeps it as it
/// is, and SQLite stores it as U+FFFD: a correction that said <c>"Mex\ud800ico"</c> published <c>Mex�ico</c> and could
/// never be replayed by its idempotency key, and a filter on it matched text it does not hold. The GraphQL
/// specification makes it a syntax error, as the parser already does for <c>\u{D800}</c>, and as a JSON variable
/// holding one is refused (400): <see cref="SyntaxErrorCode"/>.</item>
/// </list>
/// </summary>
public static class DocumentLiterals
{
    public const string SyntaxErrorCode = "SYNTAX_ERROR";

    /// <summary>The first literal the document may not hold, as the code and message to refuse it with; null when there is none.</summary>
    public static async ValueTask<(string Code, string Message)?> ProblemAsync(GraphQLDocument document)
    {
        var finder = new Finder();
        await finder.VisitAsync(document, finder);
        return finder.Problem;
    }

    /// <summary>Whether <paramref name="text"/> holds a surrogate that is not half of a high-low pair.</summary>
    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    private sealed class Finder : ASTVisitor<Finder>, IASTVisitorContext
    {
        public (string Code, string Message)? Problem { get; private set; }

        public CancellationToken CancellationToken => CancellationToken.None;

        public override ValueTask VisitAsync(ASTNode? node, Finder context) =>
            Problem is null ? base.VisitAsync(node, context) : ValueTask.CompletedTask;

        protected override ValueTask VisitIntValueAsync(GraphQLIntValue intValue, Finder context)
        {
            Number(intValue.Value.Length);
            return ValueTask.CompletedTask;
        }

        protected override ValueTask VisitFloatValueAsync(GraphQLFloatValue floatValue, Finder context)
        {
            Number(floatValue.Value.Length);
            return ValueTask.CompletedTask;
        }

        protected override ValueTask VisitStringValueAsync(GraphQLStringValue stringValue, Finder context)
        {
            if (HasLoneSurrogate(stringValue.Value.Span))
            {
                Problem ??= (SyntaxErrorCode,
                    "Error parsing query: a string holds an escaped lone surrogate (such as \\ud800, half of a UTF-16 pair), which is not text.");
            }
            return ValueTask.CompletedTask;
        }

        private void Number(int length)
        {
            if (length > LongNumbers.MaxLength)
            {
                Problem ??= (DocumentLimits.TooLargeCode, LongNumbers.Problem("The document", length));
            }
        }
    }
}
