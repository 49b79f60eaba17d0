using System.Globalization;
using DetainerGraph.Import;
using DetainerGraph.Reference;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>What the tests of the in-memory counts share: the settings that turn the copy on, and generated files to import.</summary>
internal static class ResidentStores
{
    /// <summary>The in-memory counts on, loaded only when a test asks (no timer reloads them under it).</summary>
    public static readonly Dictionary<string, string?> InMemory = new()
    {
        ["Storage:ResidentCounts"] = "true",
        ["Storage:ResidentCountsReloadSeconds"] = "0",
    };

    /// <summary>A file of <paramref name="detainers"/> generated (synthetic) detainers over four weeks from <paramref name="firstWeek"/>.</summary>
    public static string Generated(int detainers, int seed, DateOnly firstWeek)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, detainers, seed, firstWeek, 4);
        return writer.ToString();
    }
}
