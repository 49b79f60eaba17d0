using System.Diagnostics;
using System.Text;
using DetainerGraph.Cli;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// The <c>import</c> command starts itself again with the batch JIT settings (<see cref="ImportJitSettings"/>) unless the
/// caller chose its own: the choice as a function of the environment, and on Linux the running command's own environment.
/// </summary>
public sealed class ImportJitSettingsTests : IDisposable
{
    private static readonly string[] All = ["DOTNET_TieredPGO=0", "DOTNET_TC_CallCountingDelayMs=0", "DOTNET_TC_CallCountThreshold=1000"];

    private readonly string _folder = Directory.CreateTempSubdirectory("detainergraph-jit").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static List<string> Missing(params string[] environment) =>
        ImportJitSettings.Missing([.. environment.Select(Encoding.UTF8.GetBytes)], _ => false);

    [Fact]
    public void All_settings_are_added_when_the_caller_gave_none()
    {
        Assert.Equal(All, Missing("PATH=/usr/bin", "DOTNET_gcServer=1", "DOTNET_TieredPGOX=1"));
        // An empty value is unset, as the Docker entry point's ${VAR:-0} has it.
        Assert.Equal(All, Missing("DOTNET_TieredPGO="));
    }

    [Theory]
    [InlineData("DOTNET_TieredPGO=1")]
    [InlineData("DOTNET_TieredPGO=0")]
    [InlineData("COMPlus_TieredPGO=1")]
    [InlineData("DOTNET_TC_CallCountingDelayMs=100")]
    [InlineData("COMPlus_TC_CallCountingDelayMs=0")]
    [InlineData("DOTNET_TC_CallCountThreshold=30")]
    [InlineData("DOTNET_TieredCompilation=0")]
    [InlineData("DETAINERGRAPH_IMPORT_JIT=1")]
    public void Nothing_is_added_when_the_caller_chose_or_the_process_was_started_again(string given) =>
        Assert.Empty(Missing("PATH=/usr/bin", given));

    [Theory]
    [InlineData("System.Runtime.TieredPGO")]
    [InlineData("System.Runtime.TieredCompilation")]
    public void Nothing_is_added_when_the_runtime_configuration_sets_the_jit(string property) =>
        Assert.Empty(ImportJitSettings.Missing([Encoding.UTF8.GetBytes("PATH=/usr/bin")], name => name == property));

    [Theory]
    [InlineData(new[] { "import", "a.csv" }, true)]
    [InlineData(new[] { "IMPORT" }, true)]
    [InlineData(new[] { "generate", "--detainers", "1" }, false)]
    [InlineData(new string[0], false)]
    public void Only_the_import_command_is_started_again(string[] args, bool expected) =>
        Assert.Equal(expected, ImportJitSettings.IsImport(args));

    /// <summary>
    /// A host that runs the program in its own process (this test host, <c>WebApplicationFactory</c>) is never replaced:
    /// were it, this test run would restart as <c>import</c> and end here.
    /// </summary>
    [Fact]
    public void A_process_that_hosts_the_program_is_never_started_again()
    {
        var id = Environment.ProcessId;
        ImportJitSettings.Apply(["import", Path.Combine(_folder, "none.csv")]);
        Assert.Equal(id, Environment.ProcessId);
        Assert.Null(Environment.GetEnvironmentVariable(ImportJitSettings.Marker));
    }

    [Fact]
    public async Task The_running_import_has_the_settings_in_its_own_process_and_exits_as_before()
    {
        // Whatever this test run's own environment sets, the command is started with none of the settings.
        var environment = await RunImportAsync(ImportJitSettings.Settings.ToDictionary(setting => $"DOTNET_{setting.Name}", _ => ""));
        if (environment is null)
        {
            return;
        }
        Assert.All(All, setting => Assert.Contains(setting, environment));
        Assert.Contains("DETAINERGRAPH_IMPORT_JIT=1", environment);
    }

    [Fact]
    public async Task A_setting_the_caller_gave_is_kept_and_the_other_is_not_added()
    {
        var environment = await RunImportAsync(new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "1", ["DOTNET_TC_CallCountingDelayMs"] = "" });
        if (environment is null)
        {
            return;
        }
        Assert.Contains("DOTNET_TieredPGO=1", environment);
        Assert.DoesNotContain("DOTNET_TC_CallCountingDelayMs=0", environment);
        Assert.DoesNotContain(environment, e => e.StartsWith("DETAINERGRAPH_IMPORT_JIT=", StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs <c>import</c> on a named pipe, so that the command waits in its read of the file: its environment is read from
    /// /proc once it has the pipe open (the same process id throughout), then the pipe is given a file and closed, and the
    /// command must import it and exit 0. Null off Linux.
    /// </summary>
    private async Task<List<string>?> RunImportAsync(Dictionary<string, string> environment)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        var pipe = Path.Combine(_folder, "rows.csv");
        using (var mkfifo = Process.Start("mkfifo", pipe))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        // Held open for writing (read-write: that open does not wait for a reader), so the command's open returns and its read waits.
        var writer = new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite);
        using var import = ServerProcess.Start(Path.Combine(_folder, "store"), ["import", pipe], environment);
        var deadline = Stopwatch.StartNew();
        while (!HasOpen(import.Id, pipe))
        {
            Assert.False(import.HasExited, $"exit {(import.HasExited ? import.ExitCode : 0)}\n{import.AllOutput}");
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "the import never opened its file");
            await Task.Delay(20);
        }
        var seen = Encoding.UTF8.GetString(await File.ReadAllBytesAsync($"/proc/{import.Id}/environ")).Split('\0').ToList();
        await using (writer)
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes(SampleRows.Foia));
        }
        var exit = await import.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"exit {exit}\n{import.AllOutput}");
        Assert.Contains("imported 5 records", import.Output, StringComparison.Ordinal);
        return seen;
    }

    private static bool HasOpen(int pid, string path)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget == path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
