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

    /// <summary>Hands out at most a few characters per read, so every quote, CR and LF falls on a block boundary somewhere.</summary>
    private sealed class TrickleReader(string text, int most) : TextReader
    {
        private readonly StringReader _inner = new(text);

        public override int Read(char[] buffer, int index, int count) => _inner.Read(buffer, index, Math.Min(count, most));

        public override int Read() => _inner.Read();

        public override int Peek() => _inner.Peek();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Records_split_across_read_blocks_read_the_same(int most)
    {
        const string text = "\uFEFFa,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n\n\"\"\"\",\"end\"\"\"\r\nlast,";

        var whole = Read(text);
        var trickled = CsvReader.Read(new TrickleReader(text, most)).ToList();

        Assert.Equal(whole.Select(r => (r.Line, string.Join("|", r.Fields))), trickled.Select(r => (r.Line, string.Join("|", r.Fields))));
        Assert.Equal(["\"", "end\""], whole[3].Fields);
        Assert.Equal(["last", ""], whole[4].Fields);
    }

    [Fact]
    public void A_column_s_repeated_values_are_one_string_and_a_unique_column_still_reads_right()
    {
        var text = "key,state\n" + string.Join("\n", Enumerable.Range(0, 10_000).Select(i => $"k{i},{(i % 2 == 0 ? "PA" : "TX")}")) + "\n";

        var records = Read(text);

        Assert.Same(records[1].Fields[1], records[3].Fields[1]);
        Assert.Same(records[2].Fields[1], records[4].Fields[1]);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => $"k{i}"), records.Skip(1).Select(r => r.Fields[0]));
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? "PA" : "TX"), records.Skip(1).Select(r => r.Fields[1]));
    }

    [Fact]
    public void A_record_longer_than_the_bound_is_refused_at_its_line_instead_of_read_whole()
    {
        var error = Assert.Throws<CsvFormatException>(() => Read("a,b\n1,2\nx," + new string('y', CsvReader.MaxRecordChars) + "\n"));

        Assert.Equal(3, error.Line);
        Assert.Contains("at most 1,048,576 characters", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quote_left_open_over_the_bound_says_so()
    {
        var error = Assert.Throws<CsvFormatException>(() => Read("a,b\n\"open," + new string('y', CsvReader.MaxRecordChars) + "\n1,2\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("is a quote left open?", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_of_more_fields_than_a_spreadsheet_has_columns_is_refused()
    {
        Assert.Single(Read("a\n" + new string(',', CsvReader.MaxFields - 1) + "\n").Skip(1));
        var error = Assert.Throws<CsvFormatException>(() => Read("a\n" + new string(',', CsvReader.MaxFields) + "\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("at most 16,384 fields", error.Problem, StringComparison.Ordinal);
    }
}
