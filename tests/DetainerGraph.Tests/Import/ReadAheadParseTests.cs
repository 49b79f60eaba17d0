using System.Globalization;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// A large file's CSV is scanned on another thread while its rows are read (<see cref="ReadAheadRecords"/>). Whatever the
/// file, the parse must come out exactly as the plain one-thread parse: the same rows, the same errors in the same order,
/// the same refusal of a malformed or non-UTF-8 file, and a stop on cancellation.
/// </summary>
public sealed class ReadAheadParseTests : IDisposable
{
    private static readonly string Header = string.Join(",", DetainerGenerator.Header) + "\n";

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>A generated file of <paramref name="detainers"/> detainers: several batches of the read-ahead, and more than it queues.</summary>
    private static string Generate(int detainers, int seed)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data")))
            .Write(writer, detainers, seed, new DateOnly(2017, 1, 28), 4);
        return writer.ToString();
    }

    private static string ReplaceLine(string content, int line, string replacement)
    {
        var lines = content.Split('\n');
        lines[line - 1] = replacement;
        return string.Join('\n', lines);
    }

    private static int LineCount(string content) => content.Count(c => c == '\n');

    public static TheoryData<string> Files() =>
        new()
        {
            "good",
            "bad first row",
            "bad middle row",
            "bad last row",
            "bad rows everywhere",
            "unclosed quote in the middle",
            "too few fields at a batch boundary",
            "many columns",
            "one huge line",
            "header only",
            "unknown header on a large file",
            "tiny",
        };

    private static string FileNamed(string name)
    {
        var large = Generate(ReadAheadRecords.BatchSize * (ReadAheadRecords.QueuedBatches + 3) / 2, seed: 11);
        var lines = LineCount(large);
        const string badDate = "zz1,TX,Travis County,,,,,last Tuesday,,,,ASSAULT,Charge,";
        return name switch
        {
            "good" => large,
            "bad first row" => ReplaceLine(large, 2, badDate),
            "bad middle row" => ReplaceLine(large, lines / 2, badDate),
            "bad last row" => ReplaceLine(large, lines, badDate),
            "bad rows everywhere" => ReplaceLine(ReplaceLine(ReplaceLine(large, 2, badDate), ReadAheadRecords.BatchSize + 1, "zz2,Atlantis,,,,,,,,,,,,"), lines, "zz3,TX,Travis County,,,,,2017-01-01,Vanished,,,x,Maybe,"),
            "unclosed quote in the middle" => ReplaceLine(large, lines / 2, "zz4,TX,\"Travis County,,,,,2017-01-01,,,,ASSAULT,Charge,"),
            "too few fields at a batch boundary" => ReplaceLine(large, ReadAheadRecords.BatchSize + 1, "zz5,TX"),
            "many columns" => Header + "a,TX,Travis County" + string.Concat(Enumerable.Repeat(",x", 50_000)) + "\n" + large[large.IndexOf('\n')..].TrimStart('\n'),
            "one huge line" => ReplaceLine(large, lines / 3, "zz6,TX,Travis County,,,,,2017-01-01,,,," + new string('A', 2_000_000) + ",Charge,"),
            "header only" => Header,
            // Refused after the first record while the scan is ahead with its queue full: disposing must stop it.
            "unknown header on a large file" => ReplaceLine(large, 1, "name,age"),
            "tiny" => Header + "a,TX,Travis County,,,,,2017-01-01,,,,ASSAULT,Charge,\n",
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_parse_with_the_csv_read_ahead_equals_the_plain_parse(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(FileNamed(name));

        var plain = Outcome(bytes, readAheadFrom: int.MaxValue);
        var readAhead = Outcome(bytes, readAheadFrom: 0);

        Assert.Equal(plain, readAhead);
        Assert.NotEmpty(plain);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused_the_same_way()
    {
        var bytes = Encoding.UTF8.GetBytes(FileNamed("good"));
        bytes[bytes.Length / 2] = 0xFF;

        var plain = Outcome(bytes, readAheadFrom: int.MaxValue);

        Assert.Equal(plain, Outcome(bytes, readAheadFrom: 0));
        Assert.Contains("UTF-8", plain[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_parse_stops_with_the_read_ahead_too()
    {
        var bytes = Encoding.UTF8.GetBytes(FileNamed("good"));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Parse(bytes, 0, cancellation.Token));
    }

    [Fact]
    public async Task A_bad_row_in_a_large_file_read_ahead_writes_nothing_and_the_fixed_file_imports()
    {
        var bad = FileNamed("bad last row");

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => _app.ImportAsync("large.csv", bad));

        Assert.Contains(refused.Errors, e => e.Line == LineCount(bad) && e.Column == "issued_date");
        Assert.All(await _app.CountsAsync(), c => Assert.True(c.Value == 0, $"{c.Value} rows written to {c.Key}"));
        Assert.Equal(ImportOutcome.Imported, (await _app.ImportAsync("large.csv", FileNamed("good"))).Outcome);
    }

    private ParsedFile Parse(byte[] bytes, int readAheadFrom, CancellationToken ct = default)
    {
        using var scope = _app.Started().CreateScope();
        var importer = new Importer(scope.ServiceProvider.GetRequiredService<DetainerDbContext>(), scope.ServiceProvider.GetRequiredService<ReferenceData>())
        {
            ReadAheadFromBytes = readAheadFrom,
        };
        return importer.Parse("file.csv", bytes, ct);
    }

    /// <summary>What a parse made of the file, as text: its rows, errors and warnings, or the refusal's errors.</summary>
    private List<string> Outcome(byte[] bytes, int readAheadFrom)
    {
        try
        {
            var parsed = Parse(bytes, readAheadFrom);
            return
            [
                .. parsed.Detainers.Select(d => $"{d.Line}|{d.Jurisdiction?.State}|{d.Jurisdiction?.Name}|{d.Facility?.Name}|{d.IssuedOn}|{d.Outcome}|{d.OutcomeRecordedOn}|{d.WeekStart}|{d.Citizenship}|{d.DetainerType}|{string.Join(";", d.Charges.Select(c => $"{c.Description}/{c.Status}"))}"),
                .. parsed.Errors.Select(e => $"error {e}"),
                .. parsed.Warnings.Select(w => $"warning {w}"),
                $"seed {parsed.SyntheticSeed}",
            ];
        }
        catch (ImportRejectedException e)
        {
            return [.. e.Errors.Select(error => $"refused {error}")];
        }
    }
}
