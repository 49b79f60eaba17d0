using DetainerGraph.Import;

namespace DetainerGraph.Tests.Import;

public sealed class CsvReaderTests
{
    private static List<CsvRecord> Read(string text) => [.. CsvReader.Read(new StringReader(text))];

    [Fact]
    public void Quoted_fields_hold_commas_doubled_quotes_and_line_breaks()
    {
        var records = Read("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n");

        Assert.Equal(["x, y", "say \"hi\""], records[1].Fields);
        Assert.Equal(["two\nlines", "z"], records[2].Fields);
        Assert.Equal([1, 2, 3], records.Select(r => r.Line));
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted()
    {
        var records = Read("a\n\n\nb\n");

        Assert.Equal([1, 4], records.Select(r => r.Line));
    }

    [Fact]
    public void A_byte_order_mark_and_a_missing_final_newline_are_fine()
    {
        var records = Read("\uFEFFa,b\n1,");

        Assert.Equal(["a", "b"], records[0].Fields);
        Assert.Equal(["1", ""], records[1].Fields);
    }

    [Fact]
    public void An_unclosed_quote_names_the_line_where_its_record_began()
    {
        var error = Assert.Throws<CsvFormatException>(() => Read("a\nb\n\"open\nmore\n"));

        Assert.Equal(3, error.Line);
    }
}
