using System.Text;

namespace DetainerGraph.Search;

/// <summary>
/// The highlight string of a hit, HTML-escaped the same way on both engines. Each engine's highlighter marks
/// the matched words with <see cref="Open"/>/<see cref="Close"/> (private-use characters) on the raw text, with
/// no encoding of its own; this class then escapes the text and turns the markers into <c>&lt;mark&gt;</c> tags.
/// (The engines' own HTML encoders differ: Lucene.NET 4.8 writes non-ASCII as <c>&amp;#NNN;</c>, Elasticsearch
/// escapes <c>/</c>, <c>WebUtility.HtmlEncode</c> neither.)
/// </summary>
public static class ChargeHighlight
{
    /// <summary>Where a marked word starts (U+E000, private use).</summary>
    public const string Open = "\uE000";

    /// <summary>Where a marked word ends (U+E001, private use).</summary>
    public const string Close = "\uE001";

    /// <summary>
    /// <paramref name="marked"/> (the highlighter's output for <paramref name="description"/>) escaped, with
    /// <c>&lt;mark&gt;</c> tags; the plain escaped description when there is no marked text or the description
    /// itself holds a marker character (the markers would be ambiguous).
    /// </summary>
    public static string Html(string description, string? marked)
    {
        if (marked is null || description.AsSpan().IndexOfAny('\uE000', '\uE001') >= 0)
        {
            return Escape(description);
        }
        var html = new StringBuilder(marked.Length + 32);
        var open = false;
        foreach (var c in marked)
        {
            switch (c)
            {
                case '\uE000' when !open:
                    html.Append("<mark>");
                    open = true;
                    break;
                case '\uE001' when open:
                    html.Append("</mark>");
                    open = false;
                    break;
                case '\uE000' or '\uE001':
                    break;
                default:
                    Append(html, c);
                    break;
            }
        }
        if (open)
        {
            html.Append("</mark>");
        }
        return html.ToString();
    }

    /// <summary>The description with <c>&amp; &lt; &gt; " '</c> escaped and everything else as it is.</summary>
    public static string Escape(string description)
    {
        var html = new StringBuilder(description.Length + 16);
        foreach (var c in description)
        {
            Append(html, c);
        }
        return html.ToString();
    }

    private static void Append(StringBuilder html, char c) => _ = c switch
    {
        '&' => html.Append("&amp;"),
        '<' => html.Append("&lt;"),
        '>' => html.Append("&gt;"),
        '"' => html.Append("&quot;"),
        '\'' => html.Append("&#39;"),
        _ => html.Append(c),
    };
}
