using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// Real rows as a spreadsheet writes them back after someone opened the file, fixed a cell and saved it (Excel for
/// Windows or Mac, Numbers, LibreOffice, Google Sheets): each such file is read as meant, or refused with the line, the
/// cause and how to fix it; none is misread.
/// </summary>
public sealed class SpreadsheetSaveTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static string[] Lines(string sample) => sample.TrimEnd('\n').Split('\n');

    private async Task<ImportResult> ImportAsync(string fileName, byte[] bytes)
    {
        await using var scope = _app.Started().CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync(fileName, bytes);
    }

    private async Task<ImportRejectedException> RefusedAsync(string fileName, byte[] bytes)
    {
        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(fileName, bytes));
        Assert.All(await _app.CountsAsync(), c => Assert.True(c.Value == 0, $"{c.Value} rows written to {c.Key}"));
        return refused;
    }

    private Task<List<Detainer>> DetainersAsync() =>
        _app.WithDbAsync(db => db.Detainers.Include(d => d.Facility).Include(d => d.Charges).OrderBy(d => d.SourceLine).ToListAsync());

    [Fact]
    public async Task Excel_for_Mac_CSV_is_refused_at_its_Mac_Roman_byte_with_its_real_line_and_the_CR_endings_named()
    {
        // Section II's real rows, one citizenship edited to "México", saved as "CSV (Macintosh)": Mac Roman (é is 0x8E,
        // which Windows-1252 reads as Ž), every line ended by CR alone.
        var lines = Lines(SampleRows.SectionTwo);
        lines[3] = lines[3].Replace("Guatemala", "M\u00E9xico", StringComparison.Ordinal);
        var bytes = Encoding.ASCII.GetBytes(string.Join('\r', lines) + "\r");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0x8E;

        var refused = await RefusedAsync("mac.csv", bytes);

        Assert.Equal(2, refused.Errors.Count);
        Assert.Equal(1, refused.Errors[0].Line);
        Assert.Equal(
            "lines ending in LF or CRLF: this file ends its lines with CR alone (classic Mac OS), so it reads as a single line. "
            + "Convert both with iconv -f MACINTOSH -t UTF-8 mac.csv | tr '\\r' '\\n' > fixed.csv, or save as \"CSV UTF-8\"",
            refused.Errors[0].Expected);
        Assert.Equal(4, refused.Errors[1].Line);
        Assert.Equal(
            "UTF-8 text: byte 0x8E at character 38 of this line is not UTF-8 ('\u00E9' in Mac Roman). Lines ended by CR alone are "
            + "the mark of a Mac's plain \"CSV\" save (Excel for Mac's \"CSV (Macintosh)\"), which is Mac Roman: save as \"CSV UTF-8\", "
            + "or convert with iconv -f MACINTOSH -t UTF-8",
            refused.Errors[1].Expected);
    }

    [Fact]
    public async Task A_byte_that_is_no_character_in_Windows_1252_is_named_in_Mac_Roman_and_a_NUL_is_found_on_its_CR_line()
    {
        // LF endings, but 0x8F is no character in Windows-1252; in Mac Roman it is è.
        var lines = Lines(SampleRows.Foia);
        byte[] bytes = [.. Encoding.ASCII.GetBytes(lines[0] + "\n" + lines[1] + "\n2007-10-02 00:00:00,,SCI GRATERFORD,GRAT"), 0x8F, .. "RFORD,PENNSYLVANIA,\n"u8];

        var refused = await RefusedAsync("lf.csv", bytes);

        var error = Assert.Single(refused.Errors);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("UTF-8 text: byte 0x8F at character 41 of this line is not UTF-8 ('\u00E8' in Mac Roman; no character in Windows-1252)", error.Expected, StringComparison.Ordinal);
        Assert.EndsWith("iconv -f MACINTOSH -t UTF-8", error.Expected, StringComparison.Ordinal);

        // A NUL on the third CR-ended line is on line 3, not 1.
        var nul = await RefusedAsync("nul.csv", Encoding.ASCII.GetBytes(string.Join('\r', lines[..2]) + "\r2007-10-02 00:00:00,\0\r"));
        Assert.Equal(3, Assert.Single(nul.Errors).Line);
    }

    [Fact]
    public async Task Excel_CSV_UTF8_with_its_mark_and_CRLF_imports_the_rows()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(SampleRows.Foia.Replace("\n", "\r\n", StringComparison.Ordinal))).ToArray();

        var result = await ImportAsync("excel-utf8.csv", bytes);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        var detainers = await DetainersAsync();
        Assert.Equal([2, 3, 4, 5, 6], detainers.Select(d => d.SourceLine));
        Assert.Equal(new DateOnly(2007, 10, 2), detainers[0].IssuedOn);
        Assert.Equal("MONTGOMERY CNTY JAIL, PA", detainers[0].Facility!.Name);
        Assert.Equal("I247D - Immigration Detainer - Request for Action", detainers[4].DetainerTypeAsPublished);
    }

    [Fact]
    public async Task Unicode_Text_is_refused_as_UTF16_and_tab_separated_and_so_is_its_iconv_conversion()
    {
        var tabbed = SampleRows.Foia.Replace("\"MONTGOMERY CNTY JAIL, PA\"", "MONTGOMERY CNTY JAIL, PA", StringComparison.Ordinal)
            .Replace("\"CHESTER CNTY JAIL, PA\"", "CHESTER CNTY JAIL, PA", StringComparison.Ordinal)
            .Replace(",", "\t", StringComparison.Ordinal).Replace("JAIL\t PA", "JAIL, PA", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

        var utf16 = await RefusedAsync("unicode.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(tabbed)]);
        var asUtf8 = await RefusedAsync("converted.txt", Encoding.UTF8.GetBytes(tabbed));

        var error = Assert.Single(utf16.Errors);
        Assert.Equal(1, error.Line);
        Assert.Equal(
            "UTF-8 text: this file is UTF-16 (it starts with UTF-16's byte order mark, as a spreadsheet's \"Unicode Text\" save does, "
            + "whose fields are separated by tabs). Save as \"CSV UTF-8\"; a comma-separated UTF-16 file converts with iconv -f UTF-16 -t UTF-8",
            error.Expected);
        error = Assert.Single(asUtf8.Errors);
        Assert.Equal((1, (string?)null), (error.Line, error.Column));
        Assert.Equal(
            "comma-separated values: this header's fields are separated by tabs (it is an ice-foia-detainers header otherwise), "
            + "as a spreadsheet's \"Text (Tab delimited)\" or \"Unicode Text\" save writes them: save as \"CSV UTF-8\"",
            error.Expected);
    }

    [Fact]
    public async Task A_semicolon_separated_save_is_refused_naming_the_semicolons()
    {
        // Excel in a language that writes decimal commas saves "CSV" with semicolons (and quotes the cells holding a comma).
        var semicolons = SampleRows.Reports.Replace(',', ';');

        var refused = await RefusedAsync("europe.csv", Encoding.UTF8.GetBytes(semicolons));

        var error = Assert.Single(refused.Errors);
        Assert.Equal((1, (string?)null), (error.Line, error.Column));
        Assert.Equal(
            "comma-separated values: this header's fields are separated by semicolons (it is a ddor-reports header otherwise), "
            + "as a spreadsheet set to a language with decimal commas saves \"CSV\": save it with ',' as the field separator "
            + "(LibreOffice: Save As, Edit filter settings; Excel: the list separator of the computer's region settings)",
            error.Expected);
    }

    [Fact]
    public async Task Excel_sep_line_is_skipped_when_it_says_comma_and_refused_naming_the_separator_otherwise()
    {
        var result = await ImportAsync("sep.csv", Encoding.UTF8.GetBytes("sep=,\r\n" + SampleRows.Foia.Replace("\n", "\r\n", StringComparison.Ordinal)));

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        var detainers = await DetainersAsync();
        // Lines stay the file's own: the header is line 2.
        Assert.Equal([3, 4, 5, 6, 7], detainers.Select(d => d.SourceLine));
        Assert.Equal("MONTGOMERY CNTY JAIL, PA", detainers[0].Facility!.Name);

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            ImportAsync("sep-semicolon.csv", Encoding.UTF8.GetBytes("sep=;\n" + SampleRows.Reports.Replace(',', ';'))));
        var error = Assert.Single(refused.Errors);
        Assert.Equal(1, error.Line);
        Assert.StartsWith("comma-separated values: this file's first line, 'sep=;', says its fields are separated by semicolons", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trailing_empty_columns_and_rows_a_spreadsheet_adds_are_ignored()
    {
        // The header and every row with three empty cells after them, then two rows of empty cells: a sheet's used range.
        var lines = Lines(SampleRows.Foia);
        var file = string.Concat(lines.Select(l => l + ",,,\r\n")) + ",,,,,,,,\r\n,,,,,,,,\r\n";

        var result = await ImportAsync("edited.csv", Encoding.UTF8.GetBytes(file));

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Empty(result.Warnings);
        var detainers = await DetainersAsync();
        Assert.Equal([2, 3, 4, 5, 6], detainers.Select(d => d.SourceLine));
        Assert.Equal("I247D - Immigration Detainer - Request for Action", detainers[4].DetainerTypeAsPublished);
    }

    [Fact]
    public async Task A_trailing_cell_that_is_not_empty_is_still_a_row_of_too_many_fields()
    {
        var lines = Lines(SampleRows.Foia);
        var file = string.Join('\n', lines[..2]) + "\n" + lines[2] + ",note\n";

        var refused = await RefusedAsync("extra.csv", Encoding.UTF8.GetBytes(file));

        var error = Assert.Single(refused.Errors);
        Assert.Equal((3, "6 fields as in the header, not 7"), (error.Line, error.Expected));
    }

    [Fact]
    public async Task Dates_as_Excel_rewrites_them_import_as_the_same_day()
    {
        // pa_detainers' "2007-10-02 00:00:00" as Excel for Windows saves it (M/D/YYYY H:MM) and as Google Sheets does (H:MM:SS).
        var file = SampleRows.Foia.Replace("2007-10-02 00:00:00,Case Closed", "10/2/2007 0:00,Case Closed", StringComparison.Ordinal)
            .Replace("2013-05-14 00:00:00", "5/14/2013 0:00:00", StringComparison.Ordinal)
            .Replace("2014-11-03 00:00:00", "11/3/2014", StringComparison.Ordinal);

        await ImportAsync("excel-dates.csv", Encoding.UTF8.GetBytes(file));

        var detainers = await DetainersAsync();
        Assert.Equal(
            [new DateOnly(2007, 10, 2), new DateOnly(2007, 10, 2), new DateOnly(2007, 10, 2), new DateOnly(2013, 5, 14), new DateOnly(2014, 11, 3)],
            detainers.Select(d => d.IssuedOn!.Value));
    }

    [Fact]
    public async Task A_day_first_date_or_a_date_serial_number_is_refused_saying_what_it_looks_like()
    {
        var lines = Lines(SampleRows.SectionTwo);
        var file = string.Join('\n', lines[0], lines[1].Replace("1/29/2017", "29/01/2017", StringComparison.Ordinal),
            lines[2].Replace("2017-01-30", "42765", StringComparison.Ordinal), lines[3]) + "\n";

        var refused = await RefusedAsync("day-first.csv", Encoding.UTF8.GetBytes(file));

        Assert.Equal(2, refused.Errors.Count);
        Assert.Equal((2, "detainer_issued_date", "29/01/2017"), (refused.Errors[0].Line, refused.Errors[0].Column, refused.Errors[0].Value));
        Assert.Equal(
            Values.DateExpectation + ": '29/01/2017' is day first (D/M/YYYY, as a spreadsheet set to a day-first language saves dates), "
            + "and this file's other dates with slashes would be read month first: save the dates as YYYY-MM-DD",
            refused.Errors[0].Expected);
        Assert.Equal((3, "detainer_issued_date", "42765"), (refused.Errors[1].Line, refused.Errors[1].Column, refused.Errors[1].Value));
        Assert.Equal(
            Values.DateExpectation + ": '42765' looks like a spreadsheet's date serial number (2017-01-30 in Excel's default date system): "
            + "format the column as dates before saving",
            refused.Errors[1].Expected);
    }

    [Fact]
    public async Task A_count_with_thousands_separators_is_refused_saying_so()
    {
        var file = SampleRows.Reports.Replace(",3083,", ",\"3,083\",", StringComparison.Ordinal);

        var refused = await RefusedAsync("reports.csv", Encoding.UTF8.GetBytes(file));

        var error = Assert.Single(refused.Errors);
        Assert.Equal((2, "detainers_issued_nationwide", "3,083"), (error.Line, error.Column, error.Value));
        Assert.Equal("a whole number of at least 0, without thousands separators (3083, not 3,083)", error.Expected);
    }

    [Fact]
    public async Task A_Texas_offense_code_whose_leading_zero_a_spreadsheet_dropped_is_refused()
    {
        // travis_county_ice_detainers.csv, booking 61: 09990018 (NCIC 0999, homicide) saved from a number column as 9990018.
        const string Bookings = """
            state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge,charge_level,charge_disposition,charge_disposition_date
            TX,Travis County,1,1991-08-17,Mexico (Use only when state is unknown),RELEASED TO ICE,2014-08-27,54040009,DRIVING WHILE INTOXICATED,MB,SENTENCE COMPLETE,2014-08-26
            TX,Travis County,61,2008-03-03,"Cuba, Republic of",RELEASED TO TDCJ-STATE JAIL,2009-09-30,9990018,CRIM NEGLIGENT HOMICIDE,S,RELEASED TO TDCJ-STATE JAIL,2009-09-30

            """;

        var refused = await RefusedAsync("travis.csv", Encoding.UTF8.GetBytes(Bookings));

        var error = Assert.Single(refused.Errors);
        Assert.Equal((3, "charge_code", "9990018"), (error.Line, error.Column, error.Value));
        Assert.Equal(
            "an 8-digit Texas offense code: this looks like 09990018 with its leading zero dropped, as a spreadsheet does to a column "
            + "of numbers: format the column as text before saving, or restore the zero",
            error.Expected);

        await ImportAsync("travis-fixed.csv", Encoding.UTF8.GetBytes(Bookings.Replace(",9990018,", ",09990018,", StringComparison.Ordinal)));
        var detainers = await DetainersAsync();
        Assert.Equal("0999", Assert.Single(detainers[1].Charges).NcicCode);
    }

    [Fact]
    public async Task A_header_cell_with_a_trailing_space_or_other_case_is_read_as_its_column()
    {
        var lines = Lines(SampleRows.Foia);
        lines[0] = "Date ,LIFT_REASON, Det_Facility,City,State,Detainer_Type ";

        var result = await ImportAsync("headers.csv", Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Empty(result.Warnings);
        var detainers = await DetainersAsync();
        Assert.Equal(5, detainers.Count);
        Assert.Equal(DetainerOutcome.CaseClosed, detainers[0].Outcome);
    }
}
