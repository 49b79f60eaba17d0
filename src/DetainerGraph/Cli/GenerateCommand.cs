using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;

namespace DetainerGraph.Cli;

/// <summary><c>generate</c>: writes synthetic detainers in the <c>detainers</c> import format.</summary>
public static partial class Commands
{
    private static int Generate(string[] args, IServiceProvider services)
    {
        var options = ParseOptions(args);
        var detainers = RequiredInt(options, "detainers", min: 1);
        var seed = RequiredInt(options, "seed", min: 0);
        var output = options.GetValueOrDefault("out") ?? throw new UsageException("generate needs --out FILE");
        var from = SampleData.DemoFirstWeek;
        if (options.TryGetValue("from", out var fromText) && !DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from))
        {
            throw new UsageException($"--from '{fromText}' is not a date as YYYY-MM-DD");
        }
        var weeks = options.ContainsKey("weeks") ? RequiredInt(options, "weeks", min: 1) : SampleData.DemoWeeks;
        using var writer = new StreamWriter(output, append: false, new System.Text.UTF8Encoding(false));
        var rows = new DetainerGenerator(services.GetRequiredService<ReferenceData>()).Write(writer, detainers, seed, from, weeks);
        Console.WriteLine($"{output}: {detainers} synthetic detainers ({rows} rows, seed {seed}) from week {Week.StartOf(from):yyyy-MM-dd}, {weeks} week(s)");
        return 0;
    }
}
