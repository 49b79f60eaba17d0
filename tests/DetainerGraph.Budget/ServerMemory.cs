using System.Diagnostics;
using System.Globalization;

/// <summary>
/// What the budget run (Program.cs) and the distinct-shapes probe (ShapeProbe.cs) read of the server's memory: its
/// resident set from <c>/proc/PID/status</c>, and its live managed heap from dotnet-gcdump, which induces a full GC first.
/// </summary>
internal static class ServerMemory
{
    /// <summary>A <c>/proc/PID/status</c> field given in kB (VmRSS, VmHWM), in MB.</summary>
    public static long StatusMb(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>The resident set now.</summary>
    public static long RssMb(int pid) => StatusMb(pid, "VmRSS");

    /// <summary>The process's peak resident set since it started (the kernel's high-water mark).</summary>
    public static long PeakRssMb(int pid) => StatusMb(pid, "VmHWM");

    /// <summary>
    /// The live managed heap after the full GC that dotnet-gcdump induces (null when the tool is not installed), and the
    /// report's first lines as the tool prints them (its heading and its largest types) when <paramref name="keepReport"/>.
    /// </summary>
    public static async Task<(long? Mb, string? Report)> LiveHeapAsync(int pid, bool keepReport = false)
    {
        var file = Path.Combine(Path.GetTempPath(), $"budget-{pid}-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunToolAsync("dotnet-gcdump", "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file);
            var output = await RunToolAsync("dotnet-gcdump", "report", file);
            // The report's first line of figures: "<bytes>  GC Heap bytes" (format varies); the first byte count on it.
            var total = output.Split('\n').FirstOrDefault(l => l.Contains("GC Heap", StringComparison.OrdinalIgnoreCase) || l.Contains("Total", StringComparison.Ordinal));
            var number = total?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Replace(",", "", StringComparison.Ordinal))
                .Select(t => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (long?)null).FirstOrDefault(v => v is not null);
            return (number / (1024 * 1024), keepReport ? string.Join('\n', output.Split('\n').Take(60)) : null);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, null);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs a diagnostics tool to its end (both of its outputs drained, so a chatty one cannot block) and returns its standard output.</summary>
    public static async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output;
    }
}
