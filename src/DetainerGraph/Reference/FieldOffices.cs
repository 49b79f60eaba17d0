namespace DetainerGraph.Reference;

/// <summary>The 25 ICE ERO field offices (Areas of Responsibility), as DOMAIN names them.</summary>
public static class FieldOffices
{
    public static readonly IReadOnlyList<string> All =
    [
        "Atlanta", "Baltimore", "Boston", "Buffalo", "Chicago", "Dallas", "Denver", "Detroit", "El Paso",
        "Harlingen", "Houston", "Los Angeles", "Miami", "New Orleans", "New York City", "Newark",
        "Philadelphia", "Phoenix", "Salt Lake City", "San Antonio", "San Diego", "San Francisco", "Seattle",
        "St. Paul", "Washington",
    ];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Saint Paul"] = "St. Paul",
        ["New York"] = "New York City",
        ["NYC"] = "New York City",
        ["Washington DC"] = "Washington",
        ["Washington, DC"] = "Washington",
    };

    /// <summary>The canonical office name for a published spelling ("Saint Paul" is "St. Paul"), or null.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var trimmed = value.Trim();
        if (Aliases.TryGetValue(trimmed, out var alias))
        {
            return alias;
        }
        return All.FirstOrDefault(o => string.Equals(o, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
