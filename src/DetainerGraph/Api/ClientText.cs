namespace DetainerGraph.Api;

/// <summary>How an error message quotes text the client sent (an ID, a cursor).</summary>
public static class ClientText
{
    /// <summary>The most of a client's text an error message quotes.</summary>
    public const int MaxQuoted = 40;

    /// <summary>
    /// <paramref name="text"/> in backticks, cut to its first <see cref="MaxQuoted"/> characters (then marked with an
    /// ellipsis). Error messages never echo a client's text whole: a request may repeat one variable in many fields, each
    /// failing with its own error, and a whole echo would turn a 200 KB request into a response of tens of megabytes.
    /// </summary>
    public static string Quote(string text)
    {
        if (text.Length <= MaxQuoted)
        {
            return $"`{text}`";
        }
        // Never half of a surrogate pair.
        var length = char.IsHighSurrogate(text[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted;
        return $"`{text.AsSpan(0, length)}…`";
    }
}
