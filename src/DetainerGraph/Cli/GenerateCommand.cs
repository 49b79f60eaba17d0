using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;

namespace DetainerGraph.Cli;

/// <summary><c>generate</c>: writes synthetic detainers in the <c>detainers</c> import format.</summary>
public static partial class Commands
{
    private static int Generate(string[] args, IServiceProvider services, CancellationToken ct)
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
        // Written beside the output and moved over it when complete: stopped or failed part-way, the output is left as it
        // was (a cut-off file would import as fewer detainers than asked for).
        var full = Path.GetFullPath(output);
        var partial = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.partial");
        int rows;
        try
        {
            using (var writer = new StreamWriter(partial, append: false, new System.Text.UTF8Encoding(false)))
            {
                rows = new DetainerGenerator(services.GetRequiredService<ReferenceData>()).Write(writer, detainers, seed, from, weeks, ct);
            }
            File.Move(partial, full, overwrite: true);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            DeletePartial(partial);
            Console.Error.WriteLine($"generate interrupted: {output} was not written.");
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeletePartial(partial);
            Console.Error.WriteLine($"error: {output} could not be written ({e.Message}); nothing was changed.");
            return 1;
        }
        Console.WriteLine($"{output}: {detainers} synthetic detainers ({rows} rows, seed {seed}) from week {Week.StartOf(from):yyyy-MM-dd}, {weeks} week(s)");
        return 0;
    }

    private static void DeletePartial(string partial)
    {
        try
        {
            File.Delete(partial);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Its folder is missing or unwritable: then there is nothing there to delete.
        }
    }
}
