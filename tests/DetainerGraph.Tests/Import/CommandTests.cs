using DetainerGraph.Cli;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;

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

    [Theory]
    [InlineData("generate", "--seed", "1", "--out", "x.csv")]
    [InlineData("generate", "--detainers", "0", "--seed", "1", "--out", "x.csv")]
    [InlineData("generate", "--detainers", "10", "--seed", "1", "--out", "x.csv", "--from", "last week")]
    [InlineData("import")]
    public async Task Usage_errors_exit_two(params string[] args) =>
        Assert.Equal(2, await Commands.RunAsync(args, _app.Started()));
}
