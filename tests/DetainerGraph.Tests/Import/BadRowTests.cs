using System.Text;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// Every class of bad row refuses its whole file: the error names the file, line, column, value and
/// expectation, and not one row of the file is written, good rows included.
/// </summary>
public sealed class BadRowTests : IDisposable
{
    private const string SectionTwoHeader =
        "state,county,facility,citizenship,notable_criminal_activity,charge_or_conviction,detainer_issued_date,detainer_declined_date,report_week\n";
    private const string GoodSectionTwoRow = "TX,Travis County,Travis County Jail,Mexico,ASSAULT,Charge,2017-01-29,2017-02-01,\n";
    private const string FoiaHeader = "date,lift_reason,det_facility,city,state,detainer_type\n";
    private const string JailHeader = "state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge\n";
    private const string GoodFoiaRow = "2007-10-02 00:00:00,Lifted,\"BUCKS CNTY JAIL, PA\",DOYLESTOWN,PENNSYLVANIA,\n";

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string, string, int, string?, string> BadFiles => new()
    {
        // name, file content, line, column, a phrase of the expectation
        { "free-text date", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,last Tuesday,2017-02-01,\n", 3, "detainer_issued_date", "YYYY-MM-DD" },
        { "year alone", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017,2017-02-01,\n", 3, "detainer_issued_date", "YYYY-MM-DD" },
        { "two-digit year", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,1/29/17,2017-02-01,\n", 3, "detainer_issued_date", "M/D/YYYY" },
        { "impossible date", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-02-30,2017-03-01,\n", 3, "detainer_issued_date", "YYYY-MM-DD" },
        { "unknown state", SectionTwoHeader + GoodSectionTwoRow + "Texass,Travis County,Jail,Mexico,ASSAULT,Charge,2017-01-29,2017-02-01,\n", 3, "state", "state or territory" },
        { "missing county", SectionTwoHeader + GoodSectionTwoRow + "TX,,Jail,Mexico,ASSAULT,Charge,2017-01-29,2017-02-01,\n", 3, "county", "county or city" },
        { "missing offense", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,,Charge,2017-01-29,2017-02-01,\n", 3, "notable_criminal_activity", "offense" },
        { "bad charge status", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Maybe,2017-01-29,2017-02-01,\n", 3, "charge_or_conviction", "Conviction" },
        { "no week at all", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-01-29,,\n", 3, "report_week", "report week" },
        { "week not a Saturday", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-01-29,,2017-01-29\n", 3, "report_week", "Saturday" },
        { "week range not Sat-Fri", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-01-29,,2017-01-28..2017-02-04\n", 3, "report_week", "Friday" },
        { "declined outside its week", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-01-29,2017-02-06,2017-01-28\n", 3, "detainer_declined_date", "within report_week" },
        { "issued after declined", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-02-03,2017-02-01,\n", 3, "detainer_issued_date", "on or before" },
        { "unknown lift reason", FoiaHeader + GoodFoiaRow + "2007-10-02 00:00:00,Vanished,\"BUCKS CNTY JAIL, PA\",DOYLESTOWN,PENNSYLVANIA,\n", 3, "lift_reason", "lift reason" },
        { "unknown detainer form", FoiaHeader + GoodFoiaRow + "2007-10-02 00:00:00,Lifted,\"BUCKS CNTY JAIL, PA\",DOYLESTOWN,PENNSYLVANIA,I-999\n", 3, "detainer_type", "detainer form" },
        { "FOIA date missing", FoiaHeader + GoodFoiaRow + ",Lifted,\"BUCKS CNTY JAIL, PA\",DOYLESTOWN,PENNSYLVANIA,\n", 3, "date", "YYYY-MM-DD" },
        { "bad FOIA time", FoiaHeader + GoodFoiaRow + "2007-10-02 25:00:00,Lifted,\"BUCKS CNTY JAIL, PA\",DOYLESTOWN,PENNSYLVANIA,\n", 3, "date", "HH:MM:SS" },
        { "too few fields", FoiaHeader + GoodFoiaRow + "2007-10-02 00:00:00,Lifted,BUCKS\n", 3, null, "6 fields" },
        { "unclosed quote", FoiaHeader + GoodFoiaRow + "2007-10-02 00:00:00,Lifted,\"BUCKS CNTY JAIL, PA,DOYLESTOWN,PENNSYLVANIA,\n", 3, null, "never closed" },
        { "unknown header", "name,age\nann,3\n", 1, null, "closest is" },
        { "header only", FoiaHeader, 2, null, "at least one row" },
        { "duplicate column", "date,date,lift_reason,det_facility,city,state,detainer_type\n2007-10-02,2007-10-02,Lifted,X,Y,PA,\n", 1, "date", "each column named once" },
        { "duplicate Section I rank", "report_week,rank,state,county,detainers_issued_in_week\n2017-01-28,1,NV,Clark County,51\n2017-01-28,1,NY,Nassau County,38\n", 3, "rank", "not already given" },
        { "negative count", "report_week,rank,state,county,detainers_issued_in_week\n2017-01-28,1,NV,Clark County,-5\n", 2, "detainers_issued_in_week", "whole number" },
        { "Section III without field office", "jurisdiction_(AOR),date_enacted,policy,criteria_for_honoring_detainer\n\"Ithaca, New York\",February 2017,Code,\n", 2, "jurisdiction_(aor)", "Field Office" },
        { "Section III unknown field office", "jurisdiction_(AOR),date_enacted,policy,criteria_for_honoring_detainer\n\"Ithaca, New York (Gotham)\",February 2017,Code,\n", 2, "jurisdiction_(aor)", "field office in parentheses" },
        { "Section III bad month", "jurisdiction_(AOR),date_enacted,policy,criteria_for_honoring_detainer\n\"Ithaca, New York (Buffalo)\",Spring,Code,\n", 2, "date_enacted", "month and year" },
        { "correction without its entry", "report_week,section,rank,state,county,field,old_value,new_value,corrected_on,reason,authority\n2017-01-28,I,4,IA,Montgomery County,jurisdiction,a,,2017-04,why,ICE\n", 2, "rank", "import Section I first" },
        { "correction date in words", "report_week,section,rank,state,county,field,old_value,new_value,corrected_on,reason,authority\n2017-01-28,I,4,IA,Montgomery County,jurisdiction,a,,April,why,ICE\n", 2, "corrected_on", "YYYY-MM" },
        { "report week end mismatch", "report_number,week_start,week_end,published_on,detainers_issued_nationwide\n1,2017-01-28,2017-02-04,2017-03-20,3083\n", 2, "week_end", "Friday after" },
        { "detainer key split", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\na,TX,Travis County,,,,2017-01-01,,,ASSAULT,Charge\nb,TX,Travis County,,,,2017-01-01,,,ASSAULT,Charge\na,TX,Travis County,,,,2017-01-01,,,BATTERY,Charge\n", 4, "detainer_key", "stand together" },
        { "year 1 (its week would start in year 0)", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\na,TX,Travis County,,,,0001-01-01,Lifted,0001-01-01,ASSAULT,Charge\n", 2, "issued_date", "1900 to 2099" },
        { "a typed 2107 for 2017", FoiaHeader + GoodFoiaRow + "2107-10-02 00:00:00,Lifted,\"BUCKS CNTY JAIL, PA\",DOYLESTOWN,PENNSYLVANIA,\n", 3, "date", "1900 to 2099" },
        { "week at the end of the calendar", SectionTwoHeader + GoodSectionTwoRow + "TX,Travis County,Jail,Mexico,ASSAULT,Charge,2017-01-29,,9999-12-25\n", 3, "report_week", "1900 to 2099" },
        { "generated rows without their seed column", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\nsyn-42-1,TX,Travis County,,,,2017-01-01,,,ASSAULT,Charge\n", 2, "synthetic_seed", "seed of generated data" },
        { "generated rows with their seeds blanked", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status,synthetic_seed\nsyn-42-1,TX,Travis County,,,,2017-01-01,,,ASSAULT,Charge,\n", 2, "synthetic_seed", "seed of generated data" },
        { "lines ended by CR alone", FoiaHeader.Replace('\n', '\r') + GoodFoiaRow.Replace('\n', '\r'), 1, null, "LF or CRLF" },
        { "a NUL in a cell", FoiaHeader + GoodFoiaRow + "2007-10-02 00:00:00,Lifted,X\0,Y,PENNSYLVANIA,\n", 3, null, "NUL" },
        { "a booking's rows disagree on its disposition", JailHeader + "TX,Travis County,2,1999-05-01,Mexico,RELEASED TO ICE,1999-05-27,54040009,DRIVING WHILE INTOXICATED\n"
            + "TX,Travis County,2,1999-05-01,Mexico,WARRANT WITHDRAWN,1999-05-27,54990012,DRVNG WHILE LIC SSPENDED\n", 3, "detainer_disposition", "the rows of one booking must agree" },
        { "two counties' bookings numbered alike", JailHeader + "TX,Travis County,7,2010-01-01,Honduras,RELEASED TO ICE,2010-01-09,,\n"
            + "TX,Williamson County,7,2010-01-01,Honduras,RELEASED TO ICE,2010-01-09,,\n", 3, "county", "'Travis County', as on line 2" },
        { "a detainer's rows disagree on its citizenship", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\n"
            + "a,TX,Travis County,,Mexico,,2017-01-01,,,ASSAULT,Charge\na,TX,Travis County,,Honduras,,2017-01-01,,,BATTERY,Charge\n", 3, "citizenship", "'Mexico', as on line 2, the first row of detainer a: the rows of one detainer must agree" },
        { "a detainer's later row gives an outcome its first does not", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\n"
            + "a,TX,Travis County,,,,2017-01-01,,,ASSAULT,Charge\na,TX,Travis County,,,,2017-01-01,Lifted,2017-01-05,BATTERY,Charge\n", 3, "outcome", "an empty cell, as on line 2" },
        { "open detainer with outcome date", "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\na,TX,Travis County,,,,2017-01-01,,2017-01-05,ASSAULT,Charge\n", 2, "outcome_date", "open detainer" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_row_refuses_the_whole_file_with_its_line_and_column(string name, string content, int line, string? column, string expectation)
    {
        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => _app.ImportAsync($"{name}.csv", content));

        Assert.Contains(refused.Errors, e =>
            e.File == $"{name}.csv" && e.Line == line && e.Column == column && e.Expected.Contains(expectation, StringComparison.Ordinal));
        Assert.All(await _app.CountsAsync(), c => Assert.True(c.Value == 0, $"{name}: {c.Value} rows written to {c.Key}"));
    }

    [Fact]
    public async Task Every_bad_row_of_a_file_is_listed_not_just_the_first()
    {
        var content = FoiaHeader + GoodFoiaRow
            + "someday,Lifted,X,Y,PENNSYLVANIA,\n"
            + GoodFoiaRow
            + "2007-10-02 00:00:00,Vanished,X,Y,Atlantis,\n";

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => _app.ImportAsync("many.csv", content));

        Assert.Equal([(3, "date"), (5, "lift_reason"), (5, "state")], refused.Errors.Select(e => (e.Line, e.Column!)));
        Assert.Equal("many.csv:3 [date]: 'someday': expected " + Values.DateExpectation, refused.Errors[0].ToString());
    }

    [Fact]
    public async Task Line_numbers_count_line_breaks_inside_quoted_fields()
    {
        var content = FoiaHeader
            + "2007-10-02 00:00:00,Lifted,\"BUCKS CNTY\nJAIL, PA\",DOYLESTOWN,PENNSYLVANIA,\n"
            + "2007-10-02,Nope,X,Y,PENNSYLVANIA,\n";

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => _app.ImportAsync("multiline.csv", content));

        Assert.Equal(4, Assert.Single(refused.Errors).Line);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_text_is_refused()
    {
        await using var scope = _app.Started().CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<Importer>();

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => importer.ImportAsync("binary.csv", [0xFF, 0xFE, 0x00, 0xC3, 0x28]));

        Assert.Contains("UTF-8", Assert.Single(refused.Errors).Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_windows_1252_file_is_refused_at_its_first_such_byte_with_the_letter_and_how_to_convert()
    {
        // A spreadsheet's plain "CSV" save of a Spanish facility name: é is the single byte 0xE9 in Windows-1252.
        var utf8 = Encoding.UTF8.GetBytes(FoiaHeader + "2007-10-02,Lifted,BUCKS CNTY JAIL,DOYLESTOWN,PENNSYLVANIA,\n"
            + "2007-10-03,Lifted,CARCEL DE ESPAÑA,DOYLESTOWN,PENNSYLVANIA,\n2007-10-04,Lifted,X,CAFÉ,PENNSYLVANIA,\n");
        var bytes = Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(utf8));
        await using var scope = _app.Started().CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<Importer>();

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => importer.ImportAsync("spreadsheet.csv", bytes));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("byte 0xD1 at character 33 of this line", error.Expected, StringComparison.Ordinal);
        Assert.Contains("('Ñ' in Windows-1252)", error.Expected, StringComparison.Ordinal);
        Assert.Contains("iconv -f WINDOWS-1252 -t UTF-8", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_curly_quote_is_named_and_a_utf16_file_is_told_it_is_utf16()
    {
        await using var scope = _app.Started().CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<Importer>();
        // A UTF-8 mark, then a Windows-1252 right single quote (0x92) in O'NEILL: the mark is not counted as a character.
        byte[] quote = [.. Encoding.UTF8.Preamble, .. Encoding.ASCII.GetBytes(FoiaHeader + "2007-10-02,Lifted,O"), 0x92, .. Encoding.ASCII.GetBytes("NEILL JAIL,X,PENNSYLVANIA,\n")];

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => importer.ImportAsync("quote.csv", quote));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("byte 0x92 at character 20 of this line is not UTF-8 ('\u2019' in Windows-1252)", error.Expected, StringComparison.Ordinal);

        var utf16 = await Assert.ThrowsAsync<ImportRejectedException>(() => importer.ImportAsync("unicode.csv", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(FoiaHeader)).ToArray()));
        Assert.Contains("this file is UTF-16", Assert.Single(utf16.Errors).Expected, StringComparison.Ordinal);
        Assert.Contains("iconv -f UTF-16 -t UTF-8", utf16.Errors[0].Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_report_clash_rolls_back_everything_the_file_had_written()
    {
        const string Reports = "report_number,week_start,week_end,published_on,detainers_issued_nationwide\n1,2017-01-28,2017-02-03,2017-03-20,3083\n";
        await _app.ImportAsync("reports.csv", Reports);
        var before = await _app.CountsAsync();

        // Report 1 again, in a different file: the week and source would be written before the clash is found.
        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            _app.ImportAsync("reports-again.csv", Reports.Replace("3083", "3084", StringComparison.Ordinal)));

        Assert.Contains("already imported", Assert.Single(refused.Errors).Expected, StringComparison.Ordinal);
        Assert.Equal(before, await _app.CountsAsync());
    }

    [Fact]
    public async Task A_file_of_many_bad_rows_lists_the_first_thousand_and_counts_the_rest()
    {
        var file = FoiaHeader + GoodFoiaRow + string.Concat(Enumerable.Repeat("a,b\n", 2_500));

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => _app.ImportAsync("many.csv", file));

        Assert.Equal(ImportErrorList.Kept, refused.Errors.Count);
        Assert.Equal(1_500, refused.Omitted);
        Assert.Equal(3, refused.Errors[0].Line);
        Assert.Contains("refused, 2500 bad row(s)", refused.Message, StringComparison.Ordinal);
        Assert.All(await _app.CountsAsync(), c => Assert.Equal(0, c.Value));
    }

    [Fact]
    public async Task A_pipe_longer_than_the_bound_is_refused_instead_of_read_into_memory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var folder = Directory.CreateTempSubdirectory("detainergraph-pipe").FullName;
        try
        {
            var fifo = Path.Combine(folder, "input");
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
            {
                await mkfifo.WaitForExitAsync();
            }
            var writing = Task.Run(() =>
            {
                try
                {
                    using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                    var text = System.Text.Encoding.UTF8.GetBytes(FoiaHeader + string.Concat(Enumerable.Repeat(GoodFoiaRow, 200)));
                    writer.Write(text);
                }
                catch (IOException)
                {
                    // The reader stopped reading at its bound and closed the pipe.
                }
            });
            await using var scope = _app.Started().CreateAsyncScope();
            var importer = new Importer(scope.ServiceProvider.GetRequiredService<DetainerGraph.Data.DetainerDbContext>(),
                scope.ServiceProvider.GetRequiredService<DetainerGraph.Reference.ReferenceData>())
            {
                MaxSourceBytes = 4_096,
            };

            var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => importer.ImportAsync(fifo));
            await writing;

            Assert.Contains("an input of at most 4,096 bytes", refused.Errors.Single().Expected, StringComparison.Ordinal);
            Assert.All(await _app.CountsAsync(), c => Assert.Equal(0, c.Value));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
