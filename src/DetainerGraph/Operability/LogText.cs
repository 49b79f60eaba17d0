using System.Globalization;
using System.Text;

namespace DetainerGraph.Operability;

/// <summary>
/// Client or file text made safe for a log line or a terminal: control characters (newlines, ANSI escapes, BEL),
/// Unicode line and paragraph separators and invisible format characters (bidirectional overrides) become
/// <c>\uXXXX</c>, so no input can start a forged log record or drive the operator's terminal.
/// </summary>
public static class LogText
{
    public static string Escape(string text)
    {
        var i = 0;
        while (i < text.Length && !NeedsEscape(text[i]))
        {
            i++;
        }
        if (i == text.Length)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (NeedsEscape(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary><see cref="Escape(string)"/> that keeps null.</summary>
    public static string? EscapeOrNull(string? text) => text is null ? null : Escape(text);

    /// <summary>
    /// A character that would not show as itself: a control character, a Unicode line or paragraph separator, or an
    /// invisible format character (a bidirectional override, a zero-width space, a byte-order mark).
    /// </summary>
    internal static bool NeedsEscape(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format;
}
