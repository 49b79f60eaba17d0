using System.Text.RegularExpressions;
using DetainerGraph.Search;
using DetainerGraph.Search.Analysis;
using DetainerGraph.Tests.Infrastructure;
using DetainerGraph.Tests.Search.Elasticsearch;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// An index built with other analysis rules (an upgrade that changed the synonyms, concepts or analysis code) is
/// rebuilt at start, not left answering by the old rules until someone runs <c>reindex</c>: the family-violence concept
/// found nothing in an index built before it, and the count a reporter quoted would have matched neither version.
/// </summary>
public sealed partial class AnalysisFingerprintTests : IDisposable
{
    private static readonly Dictionary<string, string?> Polling = new() { ["Search:OutboxPollSeconds"] = "1" };
    private readonly List<TestApp> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }

    private TestApp App(string? storage = null)
    {
        var app = new TestApp(settings: Polling, storageDirectory: storage);
        _apps.Add(app);
        return app;
    }

    private static async Task<bool> CatchUpAsync(TestApp app)
    {
        await using var scope = app.Started().CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SearchOutbox>().CatchUpAsync(scope.ServiceProvider.GetRequiredService<DetainerGraph.Data.DetainerDbContext>(), default);
    }

    private static LuceneChargeSearch Lucene(TestApp app) => Assert.IsType<LuceneChargeSearch>(app.Started().SearchEngine());

    /// <summary>Stamps the index in <paramref name="folder"/> as built with <paramref name="analysis"/> (null: says nothing, as before fingerprints).</summary>
    private static void Stamp(string folder, string? analysis)
    {
        using var directory = FSDirectory.Open(folder);
        using var writer = new IndexWriter(directory, new IndexWriterConfig(ChargeAnalysis.Version, new WhitespaceAnalyzer(ChargeAnalysis.Version)) { OpenMode = OpenMode.APPEND });
        writer.SetCommitData(analysis is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [AnalysisFingerprint.Key] = analysis });
        writer.Commit();
    }

    /// <summary>A store with the filter fixture imported and its index stamped as built with <paramref name="builtWith"/>; the app closed.</summary>
    private async Task<(string Storage, string Folder)> StoreStampedAsync(string? builtWith)
    {
        var first = App();
        await first.ImportAsync("filter.csv", FilterFixture.Detainers);
        var folder = Lucene(first).CurrentFolder;
        var storage = first.StorageDirectory;
        first.KeepsStorage = true;
        first.Dispose();
        Stamp(Path.Combine(storage, "search", folder), builtWith);
        return (storage, folder);
    }

    /// <summary>Starts a server on <paramref name="storage"/> and waits for its outbox worker's first pass to rebuild the index out of <paramref name="folder"/>.</summary>
    private async Task<(TestApp App, LuceneChargeSearch Lucene)> RebuiltAtStartAsync(string storage, string folder)
    {
        var app = App(storage);
        var lucene = Lucene(app);
        using var bound = new CancellationTokenSource(Bounded.Limit);
        while (lucene.CurrentFolder == folder)
        {
            await Task.Delay(50, bound.Token);
        }
        Assert.True(await lucene.IsAnalysisCurrentAsync(default));
        return (app, lucene);
    }

    [Fact]
    public async Task An_index_keeps_its_analysis_through_writes_and_a_restart_and_is_not_rebuilt()
    {
        var first = App();
        await first.ImportAsync("filter.csv", FilterFixture.Detainers);
        var folder = Lucene(first).CurrentFolder;
        Assert.True(await first.Services.GetRequiredService<IChargeSearch>().IsAnalysisCurrentAsync(default));
        var storage = first.StorageDirectory;
        first.KeepsStorage = true;
        first.Dispose();

        var second = App(storage);
        Assert.False(await CatchUpAsync(second));
        Assert.Equal(folder, Lucene(second).CurrentFolder);
        Assert.True(await second.Services.GetRequiredService<IChargeSearch>().IsAnalysisCurrentAsync(default));
    }

    [Theory]
    [InlineData("r0-0123456789abcdef0123456789abcdef")]
    [InlineData(null)]
    public async Task An_index_built_with_other_analysis_rules_or_saying_none_is_rebuilt_at_start(string? builtWith)
    {
        var (storage, folder) = await StoreStampedAsync(builtWith);

        var (second, lucene) = await RebuiltAtStartAsync(storage, folder);
        Assert.False(await CatchUpAsync(second));
        Assert.Equal(8, await lucene.CountAsync(default));
        var data = await second.DataAsync("{ searchCharges(query: \"cruelty toward wife\") { totalCount } }");
        Assert.Equal(1, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    /// <summary>The analysis an index's last commit names, read from its folder.</summary>
    private static string? StampOf(string folder)
    {
        using var directory = FSDirectory.Open(folder);
        var commit = DirectoryReader.ListCommits(directory).OrderBy(c => c.Generation).Last();
        return commit.UserData.TryGetValue(AnalysisFingerprint.Key, out var analysis) ? analysis : null;
    }

    [Theory]
    [InlineData("r0-0123456789abcdef0123456789abcdef")]
    [InlineData(null)]
    public async Task An_import_command_writing_into_an_index_of_other_analysis_stamps_it_mixed_and_the_server_rebuilds_it(string? builtWith)
    {
        // Another version's index (its stamp, or none from before stamps) and this version's import command: the
        // documents it adds are analysed by this version's rules, the rest by the other's.
        var (storage, folder) = await StoreStampedAsync(builtWith);
        var path = Path.Combine(storage, "search", folder);
        var more = Path.Combine(storage, "more.csv");
        File.WriteAllText(more, FilterFixture.Detainers.Replace("\nd", "\ne", StringComparison.Ordinal));

        using (var command = ServerProcess.Start(storage, ["import", more]))
        {
            var exit = await command.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, command.Errors);
        }

        // Neither version's stamp: both would rebuild it at their next start, the one that built it included.
        var ours = AnalysisFingerprint.Shipped;
        Assert.Equal($"mixed: {builtWith ?? "none"} and {ours}", StampOf(path));
        using (var engine = new LuceneChargeSearch(new DetainerGraph.Data.StorageOptions { Directory = storage, ConnectionString = "" },
            Path.Combine(Shipped, ChargeAnalysis.SynonymFileName), Microsoft.Extensions.Logging.Abstractions.NullLogger<LuceneChargeSearch>.Instance))
        {
            Assert.Equal(16, await engine.CountAsync(default));
            Assert.False(await engine.IsAnalysisCurrentAsync(default));
        }
        // Opened again by any version, it stays mixed (no stamp says it is current).
        Assert.StartsWith(AnalysisFingerprint.MixedPrefix, StampOf(path), StringComparison.Ordinal);

        var (_, lucene) = await RebuiltAtStartAsync(storage, folder);
        Assert.Equal(16, await lucene.CountAsync(default));
    }

    [Fact]
    public void A_mixed_stamp_names_both_analyses_and_is_never_replaced_by_either()
    {
        Assert.Null(AnalysisFingerprint.MixedWith("r1-a", "r1-a"));
        Assert.Equal("mixed: r1-a and r1-b", AnalysisFingerprint.MixedWith("r1-a", "r1-b"));
        Assert.Equal("mixed: none and r1-b", AnalysisFingerprint.MixedWith(null, "r1-b"));
        Assert.Null(AnalysisFingerprint.MixedWith("mixed: r1-a and r1-b", "r1-a"));
    }

    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>A fresh folder (fingerprints are cached by folder) holding the shipped analysis files but <paramref name="leftOut"/>.</summary>
    private static string CopyOfAnalysisFiles(string? leftOut = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", "analysis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        foreach (var file in AnalysisFingerprint.DataFiles.Where(f => f != leftOut))
        {
            File.Copy(Path.Combine(Shipped, file), Path.Combine(folder, file));
        }
        return folder;
    }

    [Fact]
    public void The_fingerprint_follows_the_bytes_of_every_analysis_file_and_the_revision()
    {
        var copy = CopyOfAnalysisFiles();
        try
        {
            Assert.Equal(AnalysisFingerprint.Shipped, AnalysisFingerprint.Of(copy));
            Assert.StartsWith($"r{AnalysisFingerprint.Revision}-", AnalysisFingerprint.Shipped, StringComparison.Ordinal);
            Assert.NotEqual(AnalysisFingerprint.Shipped, AnalysisFingerprint.Of(Shipped, expanded: false));

            // Each file counts: one byte more in any of them is another fingerprint.
            var seen = new HashSet<string> { AnalysisFingerprint.Shipped };
            foreach (var file in AnalysisFingerprint.DataFiles)
            {
                var edited = CopyOfAnalysisFiles();
                File.AppendAllText(Path.Combine(edited, file), "\n");
                Assert.True(seen.Add(AnalysisFingerprint.Of(edited)), $"{file}: an edit left the fingerprint as it was");
                System.IO.Directory.Delete(edited, recursive: true);
            }
        }
        finally
        {
            System.IO.Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void A_charge_text_file_a_deployment_left_out_is_fingerprinted_as_absent_not_a_failure()
    {
        var trimmed = CopyOfAnalysisFiles(leftOut: ChargeLexicon.ChargeTextFiles[1].File);
        try
        {
            Assert.NotEqual(AnalysisFingerprint.Shipped, AnalysisFingerprint.Of(trimmed));
        }
        finally
        {
            System.IO.Directory.Delete(trimmed, recursive: true);
        }
    }

    [Fact]
    public void Every_data_file_the_analysis_code_names_is_fingerprinted()
    {
        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in System.IO.Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "src", "DetainerGraph", "Search"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in DataFileName().Matches(File.ReadAllText(source)))
            {
                named.Add(match.Groups[1].Value);
            }
        }
        Assert.Contains("charge_concepts.csv", named);
        Assert.Empty(named.Except(AnalysisFingerprint.DataFiles));
    }

    /// <summary>The code that decides what words a charge is indexed under, in both engines.</summary>
    private static readonly string[] AnalysisCode =
    [
        "src/DetainerGraph/Search/ChargeAnalysis.cs",
        "src/DetainerGraph/Search/Analysis/AbbreviationExpander.cs",
        "src/DetainerGraph/Search/Analysis/ChargeLexicon.cs",
        "src/DetainerGraph/Search/Analysis/ChargeReader.cs",
        "src/DetainerGraph/Search/Indexing/ChargeDocuments.cs",
        "src/DetainerGraph/Search/Lucene/LuceneChargeSearch.Documents.cs",
        "src/DetainerGraph/Search/Elasticsearch/ElasticChargeIndex.cs",
    ];

    /// <summary>
    /// Data edits change the fingerprint by themselves; code edits do so only through <see cref="AnalysisFingerprint.Revision"/>,
    /// which someone must raise. This test holds the hash of the analysis code as last reviewed
    /// (<c>tests/DetainerGraph.Tests/Search/analysis-code.sha256</c>), so a change to it cannot pass unnoticed: read the
    /// change, raise the revision if any text may now be indexed under other words, then record the new hash with
    /// <c>UPDATE_ANALYSIS_HASH=1 dotnet test</c>.
    /// </summary>
    [Fact]
    public void The_analysis_code_is_the_reviewed_revision()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var file in AnalysisCode)
        {
            var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, file)).Replace("\r\n", "\n", StringComparison.Ordinal);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\n" + text));
        }
        var current = $"r{AnalysisFingerprint.Revision} {Convert.ToHexStringLower(hash.GetHashAndReset())}";
        var recorded = Path.Combine(RepositoryFiles.Root, "tests", "DetainerGraph.Tests", "Search", "analysis-code.sha256");
        if (Environment.GetEnvironmentVariable("UPDATE_ANALYSIS_HASH") == "1")
        {
            File.WriteAllText(recorded, current + "\n");
        }
        Assert.True(File.ReadAllText(recorded).Trim() == current,
            "The analysis code changed since its hash was recorded. If a charge may now be indexed under other words, raise " +
            "AnalysisFingerprint.Revision (every index is then rebuilt at start); then run UPDATE_ANALYSIS_HASH=1 dotnet test.");
    }

    [GeneratedRegex("\"([a-z0-9_]+\\.(?:csv|txt))\"")]
    private static partial Regex DataFileName();

    [Theory]
    [InlineData(FakeElasticsearch.AnalysisFingerprint, true)]
    [InlineData("r0-0123456789abcdef0123456789abcdef", false)]
    [InlineData(null, false)]
    public async Task Elasticsearch_reads_the_analysis_from_the_mapping_meta_of_the_index_behind_the_alias(string? builtWith, bool current)
    {
        var fake = new FakeElasticsearch().On("GET", "/charges-test/_mapping", 200, FakeElasticsearch.MappingAnswer(builtWith));

        Assert.Equal(current, await fake.Engine().Search.IsAnalysisCurrentAsync(default));
        var request = Assert.Single(fake.Requests);
        Assert.Equal(("GET", "/charges-test/_mapping"), (request.Method, request.PathAndQuery));
    }

    [Theory]
    [InlineData("r0-0123456789abcdef0123456789abcdef")]
    [InlineData(null)]
    public async Task Elasticsearch_marks_an_index_of_other_analysis_mixed_before_its_first_write_into_it(string? builtWith)
    {
        var fake = new FakeElasticsearch()
            .On("HEAD", "/_alias/", 200, "")
            .On("GET", "/charges-test/_mapping", 200, FakeElasticsearch.MappingAnswer(builtWith))
            .On("PUT", "/charges-test/_mapping", 200, """{"acknowledged":true}""")
            .On("POST", "/charges-test/_bulk", 200, """{"took":3,"errors":false,"items":[]}""");
        var engine = fake.Engine().Search;
        await engine.IndexAsync(ElasticRequestSnapshotTests.Documents[..1], default);
        await engine.IndexAsync(ElasticRequestSnapshotTests.Documents[1..2], default);

        Assert.Equal(["HEAD /_alias/charges-test", "GET /charges-test/_mapping", "PUT /charges-test/_mapping", "POST /charges-test/_bulk?refresh=wait_for&require_alias=true",
            "POST /charges-test/_bulk?refresh=wait_for&require_alias=true"], fake.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        var meta = System.Text.Json.JsonDocument.Parse(fake.Requests[2].Body).RootElement;
        Assert.Equal($"mixed: {builtWith ?? "none"} and {FakeElasticsearch.AnalysisFingerprint}", meta.GetProperty("_meta").GetProperty("analysis").GetString());
        Assert.Single(meta.EnumerateObject());
    }

    [Fact]
    public async Task Elasticsearch_leaves_an_index_already_marked_mixed_or_of_its_own_analysis_as_it_is()
    {
        foreach (var stamp in new[] { "mixed: r0-x and r1-y", FakeElasticsearch.AnalysisFingerprint })
        {
            var fake = new FakeElasticsearch()
                .On("HEAD", "/_alias/", 200, "")
                .On("GET", "/charges-test/_mapping", 200, FakeElasticsearch.MappingAnswer(stamp))
                .On("POST", "/charges-test/_bulk", 200, """{"took":3,"errors":false,"items":[]}""");
            await fake.Engine().Search.IndexAsync(ElasticRequestSnapshotTests.Documents[..1], default);
            Assert.DoesNotContain(fake.Requests, r => r.Method == "PUT");
        }
    }

    [Fact]
    public async Task Elasticsearch_without_an_index_yet_is_current_and_a_failure_is_reported()
    {
        var missing = new FakeElasticsearch().On("GET", "/charges-test/_mapping", 404,
            """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [charges-test]"}],"type":"index_not_found_exception","reason":"no such index [charges-test]"},"status":404}""");
        Assert.True(await missing.Engine().Search.IsAnalysisCurrentAsync(default));

        var down = new FakeElasticsearch().Unreachable();
        await Assert.ThrowsAsync<SearchUnavailableException>(() => down.Engine().Search.IsAnalysisCurrentAsync(default));
    }
}
