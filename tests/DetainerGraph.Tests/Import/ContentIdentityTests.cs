using System.Text;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>A file is imported once per content: the same text with other line endings or a byte-order mark included.</summary>
public sealed class ContentIdentityTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static byte[] Lf => Encoding.UTF8.GetBytes(SampleRows.Foia.ReplaceLineEndings("\n"));

    private static byte[] Crlf => Encoding.UTF8.GetBytes(SampleRows.Foia.ReplaceLineEndings("\r\n"));

    private static byte[] Marked(byte[] bytes) => [0xEF, 0xBB, 0xBF, .. bytes];

    private async Task<ImportResult> ImportAsync(string name, byte[] bytes)
    {
        using var scope = _app.Started().CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync(name, bytes);
    }

    public static TheoryData<string, string> Pairs => new()
    {
        { "lf", "crlf" }, { "crlf", "lf" }, { "lf", "lf+bom" }, { "crlf+bom", "lf" }, { "lf+bom", "crlf" },
    };

    private static byte[] Spelled(string spelling) => spelling switch
    {
        "lf" => Lf,
        "crlf" => Crlf,
        "lf+bom" => Marked(Lf),
        "crlf+bom" => Marked(Crlf),
        _ => throw new ArgumentOutOfRangeException(nameof(spelling)),
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task The_same_text_spelled_otherwise_is_already_imported_and_counted_once(string first, string second)
    {
        var imported = await ImportAsync("pa.csv", Spelled(first));
        var counts = await _app.CountsAsync();

        var again = await ImportAsync("pa-copy.csv", Spelled(second));

        Assert.Equal(ImportOutcome.Imported, imported.Outcome);
        Assert.Equal(ImportOutcome.AlreadyImported, again.Outcome);
        Assert.Equal(imported.Source.Id, again.Source.Id);
        Assert.Contains("same text as source #" + imported.Source.Id, Assert.Single(again.Warnings), StringComparison.Ordinal);
        Assert.Equal(counts, await _app.CountsAsync());
        Assert.Equal(5, counts["detainers"]);
    }

    [Fact]
    public async Task A_source_keeps_the_hash_of_its_own_bytes()
    {
        var imported = await ImportAsync("pa.csv", Crlf);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Crlf)), imported.Source.ContentSha256);
    }

    [Fact]
    public async Task Other_text_is_other_content()
    {
        await ImportAsync("pa.csv", Lf);

        var other = await ImportAsync("pa-more.csv", Encoding.UTF8.GetBytes(SampleRows.Foia.ReplaceLineEndings("\n").Replace("NORRISTOWN", "NORRISTOWN BORO", StringComparison.Ordinal)));

        Assert.Equal(ImportOutcome.Imported, other.Outcome);
        Assert.Equal(10, (await _app.CountsAsync())["detainers"]);
    }

    [Fact]
    public async Task A_file_of_an_imported_name_with_one_row_edited_says_its_records_were_added_beside_the_first()
    {
        var first = await ImportAsync("pa.csv", Lf);
        var edited = Encoding.UTF8.GetBytes(SampleRows.Foia.ReplaceLineEndings("\n").Replace("Case Closed", "Lifted", StringComparison.Ordinal));

        var again = await ImportAsync("pa.csv", edited);
        var otherName = await ImportAsync("pa-more.csv", Encoding.UTF8.GetBytes(SampleRows.Foia.ReplaceLineEndings("\n").Replace("NORRISTOWN", "NORRISTOWN BORO", StringComparison.Ordinal)));

        // Imported (a source is its content), but never silently: the counts now hold both files' records.
        Assert.Equal(ImportOutcome.Imported, again.Outcome);
        var warning = Assert.Single(again.Warnings);
        Assert.Contains($"source #{first.Source.Id}", warning, StringComparison.Ordinal);
        Assert.Contains("5 records were added beside its 5, not in place of them", warning, StringComparison.Ordinal);
        Assert.Empty(first.Warnings);
        Assert.Empty(otherName.Warnings);
        Assert.Equal(15, (await _app.CountsAsync())["detainers"]);
    }

    private static byte[] Mixed()
    {
        var lines = SampleRows.Foia.ReplaceLineEndings("\n").Split('\n');
        return Encoding.UTF8.GetBytes(string.Concat(lines.Select((line, i) => i == lines.Length - 1 ? line : line + (i % 2 == 0 ? "\r\n" : "\n"))));
    }

    [Theory]
    [InlineData("lf")]
    [InlineData("crlf")]
    [InlineData("lf+bom")]
    [InlineData("crlf+bom")]
    [InlineData("mixed")]
    public void Every_spelling_of_a_text_gives_the_same_four_hashes_and_its_own_first(string spelling)
    {
        // "mixed": CRLF and LF line endings in one file, itself none of the four spellings, which it still finds.
        var bytes = spelling == "mixed" ? Mixed() : Spelled(spelling);
        var own = ContentIdentity.Of(bytes);

        var spellings = ContentIdentity.Spellings(bytes, own);

        Assert.Equal(own, spellings[0]);
        Assert.Equal(spelling == "mixed" ? 5 : 4, spellings.Distinct().Count());
        var four = new[] { ContentIdentity.Of(Lf), ContentIdentity.Of(Crlf), ContentIdentity.Of(Marked(Lf)), ContentIdentity.Of(Marked(Crlf)) };
        Assert.All(four, h => Assert.Contains(h, spellings));
    }
}

/// <summary>The name a source records for a path: a pipe's or a descriptor's is not a bare number.</summary>
public sealed class SourceNameTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/data/pa.csv", "pa.csv")]
    [InlineData("pa.csv", "pa.csv")]
    [InlineData("/dev/stdin", "(standard input)")]
    [InlineData("/dev/fd/0", "(standard input)")]
    [InlineData("/proc/self/fd/0", "(standard input)")]
    [InlineData("/dev/fd/63", "/dev/fd/63")]
    [InlineData("/proc/4242/fd/7", "/proc/4242/fd/7")]
    public void A_path_is_named_by_its_file_unless_it_is_a_descriptor(string path, string name) =>
        Assert.Equal(name, Importer.SourceName(path));

    [SkippableFact]
    public async Task A_file_read_through_a_descriptor_records_the_descriptor_s_path_and_is_the_same_content_as_the_file()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/dev/fd as Linux provides it.");
        var file = Path.Combine(Path.GetTempPath(), $"pa-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, SampleRows.Foia);
        try
        {
            using var open = File.OpenHandle(file);
            var descriptor = $"/dev/fd/{open.DangerousGetHandle()}";

            ImportResult piped, again;
            using (var scope = _app.Started().CreateScope())
            {
                piped = await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync(descriptor);
            }
            using (var scope = _app.Started().CreateScope())
            {
                again = await scope.ServiceProvider.GetRequiredService<Importer>().ImportAsync(file);
            }

            Assert.Equal(descriptor, piped.Source.FileName);
            Assert.Equal(ImportOutcome.AlreadyImported, again.Outcome);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
