using GraphQL.Types;

namespace DetainerGraph.Api;

/// <summary>A calendar date in ISO 8601 form, YYYY-MM-DD.</summary>
public sealed class IsoDateGraphType : DateOnlyGraphType
{
    // Lists repeat the same dates (a stats answer holds ~1,000 groups over a few hundred weeks, a detainers page
    // 50 issue dates and week bounds): each date's text is formatted once per process, not once per field.
    // Bounded to 1900-2099 (73,000 slots, filled on first use); other dates are formatted as before.
    private static readonly int FirstDay = new DateOnly(1900, 1, 1).DayNumber;
    private static readonly string?[] Texts = new string?[new DateOnly(2100, 1, 1).DayNumber - FirstDay];

    public IsoDateGraphType()
    {
        Name = "Date";
        Description = "A calendar date in ISO 8601 form, YYYY-MM-DD.";
    }

    public override object? Serialize(object? value)
    {
        if (value is DateOnly date && (uint)(date.DayNumber - FirstDay) < (uint)Texts.Length)
        {
            var slot = date.DayNumber - FirstDay;
            // A race formats the same text twice and keeps either: both are equal.
            return Texts[slot] ??= (string?)base.Serialize(value);
        }
        return base.Serialize(value);
    }
}
