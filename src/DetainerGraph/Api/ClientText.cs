using System.Text;

namespace DetainerGraph.Api;

/// <summary>How an error message quotes text the client sent (an ID, a cursor, a value, a name).</summary>
public static class ClientText
{
    /// <summary>The most of a client's text an error message quotes.</summary>
    public const int MaxQuoted = 40;

    /// <summary>
    /// The most of a quote an error message keeps: longer than <see cref="MaxQuoted"/>, so that every name of the schema
    /// GraphQL.NET quotes stays whole (the longest, <c>JurisdictionResolutionOperationFilterInput</c>, has 42 characters;
    /// a test holds every name under this).
    /// </summary>
    public const int MaxQuotedInMessage = 64;

    /// <summary>The longest run of text without a space that an error message keeps whole (a URL of the specification fits).</summary>
    public const int MaxUnbroken = 80;

    /// <summary>
    /// The longest error message sent. Ours are far shorter; GraphQL.NET's repeat a part per list element or unknown
    /// input field, so a long list of bad values still makes a long message after every quote is cut.
    /// </summary>
    public const int MaxMessage = 1_000;

    /// <summary>What a cut message keeps of its end: GraphQL.NET's messages say what was expected last ("to 'Int'").</summary>
    private const int KeptTail = 200;

    /// <summary>
    /// <paramref name="text"/> in backticks, cut to its first <see cref="MaxQuoted"/> characters (then marked with an
    /// ellipsis). Error messages never echo a client's text whole: a request may repeat one variable in many fields, each
    /// failing with its own error, and a whole echo would turn a 200 KB request into a response of tens of megabytes.
    /// </summary>
    public static string Quote(string text) => $"`{Cut(text, MaxQuoted)}`";

    /// <summary><paramref name="text"/> cut to its first <paramref name="max"/> characters, ending with an ellipsis when cut.</summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }
        // Never half of a surrogate pair.
        var length = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, length), "…");
    }

    /// <summary>
    /// An error message with every quote of client text cut, whoever wrote it: GraphQL.NET's validation and variable errors
    /// quote the client's values and names whole ("Unable to convert '…1 MB…' to 'Int'", "found \"…\"", "Unknown type
    /// TTTT…"), and a response must not grow with them. Three bounds, in order:
    /// <list type="bullet">
    /// <item>text in single or double quotes is cut to <see cref="MaxQuotedInMessage"/> characters (a quote closes where the quote
    /// character is followed by a space, punctuation or the end, so an apostrophe inside a value does not end it);</item>
    /// <item>any other run without a space (a bare enum value or number that GraphQL.NET prints unquoted) to
    /// <see cref="MaxUnbroken"/>;</item>
    /// <item>and the whole message to <see cref="MaxMessage"/>, cut in the middle so that both what failed (the start) and
    /// what was expected (the end) stay.</item>
    /// </list>
    /// Each cut ends with an ellipsis, so a reader knows the text was cut, not that the client sent it so.
    /// </summary>
    public static string BoundMessage(string message) => BoundMessage(message, out _);

    /// <summary>
    /// <see cref="BoundMessage(string)"/>, also giving how many characters its searches for closing quotes read: at most
    /// twice the message's length (each quote character's search reads on from where its last one ended), whatever the
    /// number of quotes. Tests hold it there.
    /// </summary>
    internal static string BoundMessage(string message, out long quoteSearchSteps)
    {
        quoteSearchSteps = 0;
        if (message.Length <= MaxQuotedInMessage)
        {
            return message;
        }
        var bounded = new StringBuilder(Math.Min(message.Length, MaxMessage + 8));
        // The first closing position found for each quote character, single then double: a message full of quotes is
        // searched once, not once per quote (a value of 100,000 quotes would otherwise take billions of steps).
        Span<int> closes = [-1, -1];
        var i = 0;
        while (i < message.Length)
        {
            var c = message[i];
            if (c is '\'' or '"' && (i == 0 || !char.IsLetterOrDigit(message[i - 1]))
                && ClosingQuote(message, i, ref closes[c == '"' ? 1 : 0], ref quoteSearchSteps) is var close and > 0)
            {
                bounded.Append(c).Append(Cut(message[(i + 1)..close], MaxQuotedInMessage)).Append(c);
                i = close + 1;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                bounded.Append(c);
                i++;
                continue;
            }
            // A run without a space, up to the next space or quote.
            var end = i + 1;
            while (end < message.Length && !char.IsWhiteSpace(message[end]) && message[end] is not ('\'' or '"'))
            {
                end++;
            }
            bounded.Append(Cut(message[i..end], MaxUnbroken));
            i = end;
        }
        return bounded.Length <= MaxMessage ? bounded.ToString() : CutMiddle(bounded.ToString());
    }

    /// <summary>
    /// Where the quote opened at <paramref name="open"/> closes: the next same quote character followed by a space,
    /// punctuation or the end (and, for a double quote, not escaped by a backslash, as in a printed GraphQL string); -1
    /// when none does. <paramref name="known"/> is the closing position the previous search for this character found
    /// (the message's length when it found none): no closing position lies between an earlier opening and it, so a later
    /// opening before it shares it, and the message is scanned once whatever the number of quotes.
    /// </summary>
    private static int ClosingQuote(string message, int open, ref int known, ref long steps)
    {
        if (known <= open)
        {
            known = message.Length;
            var quote = message[open];
            for (var i = open + 1; i < message.Length; i++)
            {
                steps++;
                if (message[i] == quote && !(quote == '"' && message[i - 1] == '\\')
                    && (i + 1 == message.Length || char.IsWhiteSpace(message[i + 1]) || char.IsPunctuation(message[i + 1])))
                {
                    known = i;
                    break;
                }
            }
        }
        return known < message.Length ? known : -1;
    }

    private static string CutMiddle(string message)
    {
        var head = MaxMessage - KeptTail - 1;
        if (char.IsHighSurrogate(message[head - 1]))
        {
            head--;
        }
        var tail = message.Length - KeptTail;
        if (char.IsLowSurrogate(message[tail]))
        {
            tail++;
        }
        return string.Concat(message.AsSpan(0, head), "…", message.AsSpan(tail));
    }
}
