using System.Diagnostics;

namespace DetainerGraph.Import;

// TEMPORARY per-phase probe (DG_IMPORT_PROBE=1): wall and process CPU per phase, to stderr.
internal static class ImportProbe
{
    private static readonly bool On = Environment.GetEnvironmentVariable("DG_IMPORT_PROBE") == "1";
    private static readonly Stopwatch Watch = Stopwatch.StartNew();
    private static TimeSpan _lastWall;
    private static TimeSpan _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;

    public static void Mark(string phase)
    {
        if (!On)
        {
            return;
        }
        var wall = Watch.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Console.Error.WriteLine($"probe {phase,-24} wall {(wall - _lastWall).TotalSeconds,7:F2} s  cpu {(cpu - _lastCpu).TotalSeconds,7:F2} s");
        _lastWall = wall;
        _lastCpu = cpu;
    }
}
