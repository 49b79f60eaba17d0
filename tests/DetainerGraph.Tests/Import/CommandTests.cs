using System.Runtime.InteropServices;
using DetainerGraph.Cli;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Import;

/// <summary>The command-line verbs, run in-process against the test app's services.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly TestApp _app = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("detainergraph-cli").FullName;

    public void Dispose()
    {
        _app.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Import_exits_zero_and_writes_rows_then_changes_nothing_the_second_time()
    {
        var file = Write("pa.csv", SampleRows.Foia);

        Assert.Equal(0, await Commands.RunAsync(["import", file], _app.Started()));
        var after = await _app.CountsAsync();
        Assert.Equal(0, await Commands.RunAsync(["import", file], _app.Services));

        Assert.Equal(5, after["detainers"]);
        Assert.Equal(after, await _app.CountsAsync());
    }

    [Fact]
    public async Task Import_escapes_control_characters_of_a_refused_file_before_printing_them()
    {
        // Clears the screen, turns the text red and retitles the terminal when printed raw.
        const string Hostile = "\u001b[2J\u001b[31mFAKE\u001b]0;pwned\u0007";
        var bad = Write("ansi.csv", "report_week,rank,state,county,detainers_issued_in_week,source_notes\n2017-01-28..2017-02-03,1,NV,Clark County," + Hostile + ",x\n");
        var errors = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        int exit;
        try
        {
            exit = await Commands.RunAsync(["import", bad], _app.Started());
        }
        finally
        {
            Console.SetError(original);
        }
        // Other tests may print meanwhile: this file's lines are the ones naming it.
        var printed = string.Join('\n', errors.ToString().Split('\n').Where(l => l.Contains("ansi.csv", StringComparison.Ordinal)));

        Assert.Equal(1, exit);
        Assert.Contains("\\u001B[2J\\u001B[31mFAKE\\u001B]0;pwned\\u0007", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(printed, c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public async Task Import_exits_non_zero_for_a_refused_file_and_still_imports_the_good_one()
    {
        var bad = Write("bad.csv", "date,lift_reason,det_facility,city,state,detainer_type\nyesterday,,X,Y,PA,\n");
        var good = Write("pa.csv", SampleRows.Foia);

        Assert.Equal(1, await Commands.RunAsync(["import", bad, good], _app.Started()));
        Assert.Equal(5, (await _app.CountsAsync())["detainers"]);
    }

    [Fact]
    public async Task Generate_writes_a_file_that_imports()
    {
        var output = Path.Combine(_folder, "synthetic.csv");

        Assert.Equal(0, await Commands.RunAsync(["generate", "--detainers", "250", "--seed", "9", "--out", output, "--weeks", "2"], _app.Started()));
        Assert.Equal(0, await Commands.RunAsync(["import", output], _app.Services));

        Assert.Equal(250, (await _app.CountsAsync())["detainers"]);
    }

    [Fact]
    public async Task Generate_leaves_no_partial_file_beside_its_output()
    {
        var output = Path.Combine(_folder, "synthetic.csv");

        Assert.Equal(0, await Commands.RunAsync(["generate", "--detainers", "3000", "--seed", "9", "--out", output], _app.Started()));

        Assert.Equal(["synthetic.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal(3000, File.ReadLines(output).Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
    }

    [Fact]
    public async Task Generate_stopped_leaves_its_output_as_it_was_and_exits_130()
    {
        var output = Write("synthetic.csv", "kept\n");
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        // 5,000 detainers: the generator checks the token every 1,024.
        Assert.Equal(Commands.Interrupted, await Commands.RunAsync(["generate", "--detainers", "5000", "--seed", "9", "--out", output], _app.Started(), stopped.Token));

        Assert.Equal("kept\n", File.ReadAllText(output));
        Assert.Equal(["synthetic.csv"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [SkippableFact]
    public async Task Generate_writes_through_a_link_to_what_it_names_and_leaves_the_link()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "Symbolic links without privileges.");
        var target = Write("target.csv", "old\n");
        var link = Path.Combine(_folder, "link.csv");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(0, await Commands.RunAsync(["generate", "--detainers", "20", "--seed", "9", "--out", link], _app.Started()));

        // As /dev/stdout is a link: moving a finished file over it would replace the link, not write to its target.
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal(20, File.ReadLines(target).Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
        Assert.Equal(["link.csv", "target.csv"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order());
    }

    [SkippableFact]
    public async Task Generate_writes_through_a_device_and_leaves_it_a_device()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Device nodes as Linux makes them.");
        // A null device of its own (what /dev/null is: character device 1,3), so a failure replaces only this one.
        var device = Path.Combine(_folder, "null");
        using (var mknod = System.Diagnostics.Process.Start("mknod", ["-m", "666", device, "c", "1", "3"]))
        {
            await mknod.WaitForExitAsync();
            Skip.If(mknod.ExitCode != 0, "mknod needs privileges this run does not have.");
        }

        Assert.Equal(0, await Commands.RunAsync(["generate", "--detainers", "20", "--seed", "9", "--out", device], _app.Started()));

        Assert.Equal("character special file", await StatTypeAsync(device));
        Assert.Equal(["null"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [SkippableFact]
    public async Task The_kind_of_a_path_is_read_from_stat()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "stat(2) as Linux reports it.");
        var regular = Write("regular.csv", "x\n");
        var pipe = Path.Combine(_folder, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe))
        {
            await mkfifo.WaitForExitAsync();
        }

        Assert.Equal(UnixFileKind.Kind.Regular, UnixFileKind.Of(regular));
        Assert.Equal(UnixFileKind.Kind.Missing, UnixFileKind.Of(Path.Combine(_folder, "missing.csv")));
        Assert.Equal(UnixFileKind.Kind.Other, UnixFileKind.Of("/dev/null"));
        Assert.Equal(UnixFileKind.Kind.Other, UnixFileKind.Of(pipe));
        Assert.Equal(UnixFileKind.Kind.Other, UnixFileKind.Of(_folder));
        Assert.Equal("fifo", await StatTypeAsync(pipe));
    }

    private static async Task<string> StatTypeAsync(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        var type = (await stat.StandardOutput.ReadToEndAsync()).Trim();
        await stat.WaitForExitAsync();
        return type;
    }

    [Theory]
    [InlineData("--out", "")]
    [InlineData("--weeks", "999999999")]
    [InlineData("--from", "9999-12-25")]
    [InlineData("--from", "0001-01-08")]
    public async Task Generate_refuses_an_empty_output_or_weeks_past_the_calendar_as_usage(string option, string value)
    {
        var output = Path.Combine(_folder, "synthetic.csv");
        string[] args = ["generate", "--detainers", "10", "--seed", "9", "--out", output, option, value];

        Assert.Equal(2, await Commands.RunAsync(args, _app.Started()));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task Generate_into_a_missing_folder_says_so_and_exits_one()
    {
        var output = Path.Combine(_folder, "no-such-folder", "synthetic.csv");

        Assert.Equal(1, await Commands.RunAsync(["generate", "--detainers", "10", "--seed", "9", "--out", output], _app.Started()));

        Assert.False(Directory.Exists(Path.GetDirectoryName(output)));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task Import_stopped_before_its_first_file_imports_nothing_says_so_and_exits_130()
    {
        var file = Write("pa.csv", SampleRows.Foia);
        var before = await _app.CountsAsync();
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();
        var errors = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        int exit;
        try
        {
            exit = await Commands.RunAsync(["import", file, file], _app.Started(), stopped.Token);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(Commands.Interrupted, exit);
        Assert.Equal(before, await _app.CountsAsync());
        var printed = errors.ToString();
        Assert.Contains("import interrupted before its first file; nothing was imported.", printed, StringComparison.Ordinal);
    }

    /// <summary>What <paramref name="act"/> prints to standard error (the tests of this class that capture it run one at a time).</summary>
    private static string ErrorsOf(Action act)
    {
        var errors = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        try
        {
            act();
        }
        finally
        {
            Console.SetError(original);
        }
        return errors.ToString();
    }

    // A Ctrl+C or SIGTERM is handed to the handler directly: the test process is not signalled. A stop is claimed only
    // where one happens.
    [Fact]
    public void A_signal_after_the_command_returned_claims_no_stop_and_keeps_its_exit_code()
    {
        using var interrupt = CommandInterrupt.Listen();
        var signal = new PosixSignalContext(PosixSignal.SIGTERM);
        var exit = -1;

        var printed = ErrorsOf(() =>
        {
            exit = interrupt.Finish("reindex", 0);
            interrupt.Signalled(signal);
        });

        Assert.Equal(0, exit);
        Assert.DoesNotContain("stopping", printed, StringComparison.Ordinal);
        Assert.False(interrupt.Token.IsCancellationRequested);
        // Handled: the process ends with the command's own result, not the signal's default.
        Assert.True(signal.Cancel);
    }

    [Fact]
    public void A_stop_during_the_last_steps_a_command_finishes_anyway_is_reported_as_not_taken()
    {
        using var interrupt = CommandInterrupt.Listen();
        var signal = new PosixSignalContext(PosixSignal.SIGTERM);
        var exit = -1;

        var printed = ErrorsOf(() =>
        {
            interrupt.Signalled(signal);
            // The command was past its last cancellable step (a reindex whose new index is live) and returns success.
            exit = interrupt.Finish("reindex", 0);
        });

        Assert.Equal(0, exit);
        Assert.True(interrupt.Token.IsCancellationRequested);
        Assert.Contains("SIGTERM: stopping", printed, StringComparison.Ordinal);
        Assert.Contains("reindex: it finished before the stop could take effect; nothing was undone (exit 0).", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_the_signal_stopped_exits_with_the_signal_code()
    {
        using var interrupt = CommandInterrupt.Listen();
        var exit = -1;

        var printed = ErrorsOf(() =>
        {
            interrupt.Signalled(new PosixSignalContext(PosixSignal.SIGTERM));
            exit = interrupt.Finish("import", Commands.Interrupted);
        });

        Assert.Equal(143, exit);
        Assert.DoesNotContain("finished before", printed, StringComparison.Ordinal);
    }

    /// <summary>Runs a command with standard error captured; returns its exit code and the lines that contain <paramref name="marker"/>.</summary>
    private async Task<(int Exit, string Printed)> RunCapturingErrorsAsync(string marker, params string[] args)
    {
        var errors = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        int exit;
        try
        {
            exit = await Commands.RunAsync(args, _app.Started());
        }
        finally
        {
            Console.SetError(original);
        }
        // Other tests may print meanwhile: this command's lines are the ones naming its marker.
        return (exit, string.Join('\n', errors.ToString().Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Import_and_stats_escape_the_control_characters_of_file_names_headers_and_values_they_print()
    {
        var file = Write("ansi\u001b[31m.csv", "date,lift_reason,det_facility,city,state,detainer_type,\"x\u001b]0;pwned\u0007\"\n"
            + "2013-05-14 00:00:00,Lifted,\"NOWHERE\u001b[2J JAIL\",WEST CHESTER,PENNSYLVANIA,,\n");
        var output = new StringWriter();
        var errors = new StringWriter();
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        int imported, stats;
        try
        {
            imported = await Commands.RunAsync(["import", file], _app.Started());
            stats = await Commands.RunAsync(["stats"], _app.Services);
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
        // Other tests may print meanwhile: these commands' lines are the ones naming the file or the facility.
        var printed = (output.ToString() + "\n" + errors.ToString()).Split('\n')
            .Where(l => l.Contains("ansi", StringComparison.Ordinal) || l.Contains("NOWHERE", StringComparison.Ordinal)).ToList();

        Assert.Equal((0, 0), (imported, stats));
        Assert.Contains(printed, l => l.Contains("ansi\\u001B[31m.csv: imported 1 records", StringComparison.Ordinal));
        Assert.Contains(printed, l => l.StartsWith("warning: ansi\\u001B[31m.csv: column 'x\\u001B]0;pwned\\u0007'", StringComparison.Ordinal));
        Assert.Contains(printed, l => l.Contains("NOWHERE\\u001B[2J JAIL", StringComparison.Ordinal));
        Assert.All(printed, l => Assert.DoesNotContain(l.TrimEnd('\r'), c => char.IsControl(c) && c != '\t'));
    }

    [Fact]
    public async Task Import_the_store_fails_says_what_was_kept_and_exits_one_instead_of_crashing()
    {
        var file = Write("failing.csv", SampleRows.Foia);
        // Stands for a full disk or a damaged store: a failure that is neither the file's nor a busy store's.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("CREATE TRIGGER fail_sources BEFORE INSERT ON Sources BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END"));
        var before = await _app.CountsAsync();

        var (exit, printed) = await RunCapturingErrorsAsync("failing.csv", "import", file);

        Assert.Equal(1, exit);
        Assert.Contains("failing.csv: import failed (", printed, StringComparison.Ordinal);
        Assert.Contains("simulated disk failure", printed, StringComparison.Ordinal);
        Assert.Contains("nothing from this file was imported", printed, StringComparison.Ordinal);
        Assert.Equal(before, await _app.CountsAsync());
    }

    [Fact]
    public async Task A_command_on_a_damaged_store_says_so_and_exits_one_instead_of_crashing()
    {
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE Charges RENAME TO ChargesGone"));

        var (exit, printed) = await RunCapturingErrorsAsync("stats failed", "stats");

        Assert.Equal(1, exit);
        Assert.Contains("error: stats failed (", printed, StringComparison.Ordinal);
        Assert.Contains("Charges", printed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("generate", "--seed", "1", "--out", "x.csv")]
    [InlineData("generate", "--detainers", "0", "--seed", "1", "--out", "x.csv")]
    [InlineData("generate", "--detainers", "10", "--seed", "1", "--out", "x.csv", "--from", "last week")]
    [InlineData("import")]
    public async Task Usage_errors_exit_two(params string[] args) =>
        Assert.Equal(2, await Commands.RunAsync(args, _app.Started()));
}
