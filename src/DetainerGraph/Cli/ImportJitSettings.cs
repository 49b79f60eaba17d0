using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace DetainerGraph.Cli;

/// <summary>
/// The <c>import</c> command's JIT settings (README "The JIT and the <c>import</c> command"): an import is a batch job whose
/// hot code runs for seconds from a cold start, so it runs without the JIT's instrumented tier and with hot methods
/// optimized as soon as they are hot (<c>DOTNET_TieredPGO=0</c>, <c>DOTNET_TC_CallCountingDelayMs=0</c>; a fifth less CPU
/// at 100,000 detainers), and with only methods called 4,096 times compiled again optimized
/// (<c>DOTNET_TC_CallCountThreshold=1000</c>, hexadecimal as the runtime reads it; the default is 30: a cold start
/// crosses 30 calls in thousands of methods of the host, the migrations and EF Core's first queries, and compiling them
/// again cost the JIT's background thread about a second of CPU). The runtime reads them once, at start, from the
/// environment, so on Linux the command starts itself again with them before anything else runs: <c>execve</c> of the same executable with the same arguments, the
/// same process (its id, its terminal, its signals and its exit code are the caller's, as before). Nothing is changed
/// when the caller set any of the settings (in the environment, with either prefix, or in the runtime configuration), or
/// turned tiered compilation off; nor under a debugger, nor elsewhere than Linux, nor for any other command or the
/// server, nor when another program hosts this one in its process (a test host). If the process cannot be started again,
/// the import runs as it is.
/// </summary>
internal static class ImportJitSettings
{
    /// <summary>The settings, without their <c>DOTNET_</c> prefix, and the value each is given.</summary>
    internal static readonly (string Name, string Value)[] Settings = [("TieredPGO", "0"), ("TC_CallCountingDelayMs", "0"), ("TC_CallCountThreshold", "1000")];

    /// <summary>Set on the process started again, so that it never starts itself a third time.</summary>
    internal const string Marker = "DETAINERGRAPH_IMPORT_JIT";

    /// <summary>
    /// The same runtime settings in the runtime configuration (runtimeconfig.json, <c>-p:</c> properties): the caller's choice too.
    /// </summary>
    private static readonly string[] ConfiguredNames =
        ["System.Runtime.TieredPGO", "System.Runtime.TieredCompilation", "System.Runtime.TieredCompilation.CallCountingDelayMs"];

    /// <summary>Starts the <c>import</c> command again with its JIT settings when it should (see the class); returns only when it does not.</summary>
    public static void Apply(string[] args)
    {
        // Only as this program's own process: a host that runs Program in its process (a test host) is never replaced.
        if (!OperatingSystem.IsLinux() || !IsImport(args) || Debugger.IsAttached
            || Assembly.GetEntryAssembly() != typeof(ImportJitSettings).Assembly)
        {
            return;
        }
        var environment = ReadNulSeparated("/proc/self/environ");
        var arguments = ReadNulSeparated("/proc/self/cmdline");
        if (environment is null || arguments is null || arguments.Count == 0 || Environment.ProcessPath is not { } executable)
        {
            return;
        }
        var added = Missing(environment, name => AppContext.GetData(name) is not null);
        if (added.Count == 0)
        {
            return;
        }
        added.Add(Marker + "=1");
        var names = added.Select(a => a[..(a.IndexOf('=', StringComparison.Ordinal) + 1)]).ToList();
        // An empty value counts as unset (as the Docker entry point's ${VAR:-0} has it): it is replaced, not kept beside.
        var kept = environment.Where(e => !names.Any(n => StartsWithText(e, n)));
        RemoveDiagnosticsSocket();
        Exec(executable, arguments, [.. kept, .. added.Select(Encoding.UTF8.GetBytes)]);
    }

    /// <summary>
    /// The runtime's diagnostics socket (for dotnet-trace, dotnet-counters) is named after the process id and start time,
    /// which the new image keeps: left in place, the new runtime could not listen on it and the file would outlive the
    /// process. Removed first, the new runtime makes its own and removes it at exit.
    /// </summary>
    private static void RemoveDiagnosticsSocket()
    {
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
            {
                File.Delete(socket);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only tools that attach to the process would miss it.
        }
    }

    /// <summary>Whether <paramref name="args"/> run the <c>import</c> command.</summary>
    internal static bool IsImport(string[] args) => args.Length > 0 && string.Equals(args[0], "import", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The settings to add to <paramref name="environment"/> (raw <c>NAME=value</c> entries) as <c>DOTNET_NAME=value</c>: none
    /// once started again (the marker), when tiered compilation is off or when any of the settings is given (a non-empty
    /// value with either prefix, or <paramref name="configured"/> by its runtime configuration name).
    /// </summary>
    internal static List<string> Missing(IReadOnlyList<byte[]> environment, Func<string, bool> configured)
    {
        string? Value(string name) =>
            environment.Where(e => StartsWithText(e, name + "=")).Select(e => Encoding.UTF8.GetString(e, name.Length + 1, e.Length - name.Length - 1))
                .LastOrDefault(v => v.Length > 0);
        bool Given(string name) => Value("DOTNET_" + name) is not null || Value("COMPlus_" + name) is not null;
        if (Value(Marker) is not null || Given("TieredCompilation") || ConfiguredNames.Any(configured))
        {
            return [];
        }
        // Any of the settings given by the caller: the caller has chosen the JIT's settings, and gets exactly them.
        return Settings.Any(s => Given(s.Name)) ? [] : [.. Settings.Select(s => $"DOTNET_{s.Name}={s.Value}")];
    }

    private static bool StartsWithText(byte[] entry, string text) =>
        entry.AsSpan().StartsWith(Encoding.UTF8.GetBytes(text));

    /// <summary>A /proc file of NUL-terminated byte strings (the arguments or environment exactly as given), or null.</summary>
    private static List<byte[]>? ReadNulSeparated(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var items = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0)
            {
                items.Add(bytes[start..i]);
                start = i + 1;
            }
        }
        if (start < bytes.Length)
        {
            items.Add(bytes[start..]);
        }
        return items;
    }

    /// <summary><c>execve</c>: returns only when it failed (the import then runs in this process as it is).</summary>
    private static void Exec(string executable, List<byte[]> arguments, List<byte[]> environment)
    {
        var memory = new List<IntPtr>();
        try
        {
            IntPtr[] Strings(List<byte[]> items)
            {
                // NUL-terminated copies, and a null pointer after the last.
                var pointers = new IntPtr[items.Count + 1];
                for (var i = 0; i < items.Count; i++)
                {
                    var p = Marshal.AllocHGlobal(items[i].Length + 1);
                    memory.Add(p);
                    Marshal.Copy(items[i], 0, p, items[i].Length);
                    Marshal.WriteByte(p, items[i].Length, 0);
                    pointers[i] = p;
                }
                return pointers;
            }
            _ = ExecVe(executable, Strings(arguments), Strings(environment));
        }
        finally
        {
            memory.ForEach(Marshal.FreeHGlobal);
        }
    }

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern int ExecVe([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr[] argv, IntPtr[] envp);
}
