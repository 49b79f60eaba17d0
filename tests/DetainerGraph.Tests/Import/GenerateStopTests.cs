using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Import;

/// <summary>The <c>generate</c> command stopped by a signal while its output cannot be opened yet (a FIFO nobody reads).</summary>
public sealed class GenerateStopTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("detainergraph-generate-stop").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Whether a thread of the process waits in the kernel for a FIFO's other end (<c>open()</c> of a FIFO).</summary>
    private static bool WaitsForFifoPartner(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                .Any(task => File.ReadAllText(Path.Combine(task, "wchan")).Contains("wait_for_partner", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    [SkippableFact]
    public async Task The_first_SIGTERM_ends_a_generate_blocked_opening_a_fifo_nobody_reads()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs and /proc/PID/task/TID/wchan.");
        var fifo = Path.Combine(_folder, "out.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }
        // Without the runtime's debugger transport, whose own FIFOs a thread waits on the same way from the start.
        using var generate = ServerProcess.Start(Path.Combine(_folder, "store"), ["generate", "--detainers", "10", "--seed", "1", "--out", fifo],
            new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" });
        // The signal handlers are in place before the command runs, so once it waits in open() a signal reaches them.
        using (var bound = new CancellationTokenSource(Bounded.Limit))
        {
            while (!WaitsForFifoPartner(generate.Id))
            {
                Assert.False(generate.HasExited, generate.AllOutput);
                await Task.Delay(50, bound.Token);
            }
        }

        await generate.TerminateAsync();

        Assert.Equal(143, await generate.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(generate.Errors.Contains("generate interrupted: " + fifo + " was not written.", StringComparison.Ordinal), generate.AllOutput);
    }
}
