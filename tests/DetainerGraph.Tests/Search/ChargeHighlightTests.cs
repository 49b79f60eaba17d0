using DetainerGraph.Search;

namespace DetainerGraph.Tests.Search;

/// <summary>The one HTML form of a highlight, whichever engine marked it.</summary>
public sealed class ChargeHighlightTests
{
    private const string O = ChargeHighlight.Open;
    private const string C = ChargeHighlight.Close;

    [Fact]
    public void Markers_become_mark_tags_and_the_text_is_escaped_the_same_with_or_without_marks()
    {
        const string Description = "Exploitation/Enticement & <Minor> \"Niño's\"";
        Assert.Equal("Exploitation/Enticement &amp; &lt;Minor&gt; &quot;Niño&#39;s&quot;", ChargeHighlight.Html(Description, null));
        Assert.Equal("<mark>Exploitation</mark>/Enticement &amp; &lt;Minor&gt; &quot;Niño&#39;s&quot;",
            ChargeHighlight.Html(Description, $"{O}Exploitation{C}/Enticement & <Minor> \"Niño's\""));
    }

    [Fact]
    public void A_description_holding_a_marker_character_is_shown_unmarked()
    {
        var description = "Odd \uE000 text";
        Assert.Equal("Odd \uE000 text", ChargeHighlight.Html(description, $"{O}Odd{C} \uE000 text"));
    }

    [Fact]
    public void An_unclosed_mark_is_closed_and_a_stray_close_is_dropped()
    {
        Assert.Equal("<mark>a</mark> b", ChargeHighlight.Html("a b", $"{C}{O}a{C} b"));
        Assert.Equal("<mark>a b</mark>", ChargeHighlight.Html("a b", $"{O}a b"));
    }
}
