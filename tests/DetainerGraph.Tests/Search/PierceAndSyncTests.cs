using System.Text;
using System.Text.Json;
using DetainerGraph.Operability;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// Pierce County's abbreviated booking charges (real rows of data/pierce_booking_charges.csv, imported as
/// charges through the <c>detainers</c> format) are found by plain words; and the index stays level with the
/// database through imports, a lost indexing step and a rebuild.
/// </summary>
public sealed class PierceAndSyncTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Wanted = ["ASLT 3", "UPCS", "DWLS/DWLR", "VIO NC ORD /DV", "PSP 2", "MAL MISCH 1", "DWI", "THEFT 2", "COMM CUSTODY JAIL"];

    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        var texts = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "data", "pierce_booking_charges.csv")).Skip(1)
            .Select(l => l.Trim().Trim('"')).Where(Wanted.Contains).Distinct().ToList();
        Assert.Equal(Wanted.Length, texts.Count);
        var csv = new StringBuilder("detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status\n");
        for (var i = 0; i < texts.Count; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"p{i},WA,Pierce County,Pierce County Jail,Tacoma,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,\"{texts[i]}\",Charge\n");
        }
        await _app.ImportAsync("pierce.csv", csv.ToString());
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private async Task<List<(string Description, string Highlight)>> HitsAsync(string q)
    {
        var data = await _app.DataAsync("query($q: String!) { searchCharges(query: $q, first: 50) { nodes { highlight charge { description } } } }", new { q });
        return [.. data.GetProperty("searchCharges").GetProperty("nodes").EnumerateArray()
            .Select(n => (n.GetProperty("charge").GetProperty("description").GetString()!, n.GetProperty("highlight").GetString()!))];
    }

    [Theory]
    [InlineData("assault", "ASLT 3")]
    [InlineData("drug possession", "UPCS")]
    [InlineData("controlled substance", "UPCS")]
    [InlineData("suspended license", "DWLS/DWLR")]
    [InlineData("revoked license", "DWLS/DWLR")]
    [InlineData("protection order violation", "VIO NC ORD /DV")]
    [InlineData("domestic violence", "VIO NC ORD /DV")]
    [InlineData("stolen property", "PSP 2")]
    [InlineData("vandalism", "MAL MISCH 1")]
    [InlineData("malicious mischief", "MAL MISCH 1")]
    [InlineData("drunk driving", "DWI")]
    [InlineData("DUI", "DWI")]
    public async Task Plain_words_find_local_abbreviations_highlighted(string q, string expected)
    {
        var hits = await HitsAsync(q);
        var hit = Assert.Single(hits, h => h.Description == expected);
        Assert.Contains("<mark>", hit.Highlight, StringComparison.Ordinal);
        Assert.DoesNotContain(hits, h => h.Description == "COMM CUSTODY JAIL");
    }

    [Fact]
    public async Task Both_charge_spellings_of_the_fixture_are_found()
    {
        Assert.Contains(await HitsAsync("agg assault"), h => h.Description == "AGGRAV ASSLT - WEAPON");
        Assert.Contains(await HitsAsync("cocaine"), h => h.Description == "Cocaine - Sell");
        Assert.Contains(await HitsAsync("\"cruelty toward wife\""), h => h.Highlight == "<mark>CRUELTY</mark> <mark>TOWARD</mark> <mark>WIFE</mark>");
    }

    private async Task<(long Index, int Database)> CountsAsync()
    {
        var search = _app.Services.GetRequiredService<IChargeSearch>();
        return (await search.CountAsync(default), await _app.WithDbAsync(db => db.Charges.CountAsync()));
    }

    [Fact]
    public async Task After_imports_the_index_and_the_database_agree()
    {
        var (index, database) = await CountsAsync();
        Assert.Equal(Wanted.Length + 8, database);
        Assert.Equal(database, index);

        // Importing the same bytes again changes neither.
        await _app.ImportAsync("filter-again.csv", FilterFixture.Detainers);
        Assert.Equal((index, database), await CountsAsync());
    }

    [Fact]
    public async Task A_lost_indexing_step_is_caught_up_and_a_rebuild_swaps_in_a_complete_index()
    {
        var search = _app.Services.GetRequiredService<IChargeSearch>();
        // As if the process died after the import committed and before its charges reached the index.
        var ids = await _app.WithDbAsync(db => db.Charges.Select(c => c.Id).Take(3).ToListAsync());
        await search.DeleteAsync(ids, default);
        var (index, database) = await CountsAsync();
        Assert.Equal(database - 3, index);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var outbox = scope.ServiceProvider.GetRequiredService<SearchOutbox>();
            var db = scope.ServiceProvider.GetRequiredService<DetainerGraph.Data.DetainerDbContext>();
            Assert.True(await outbox.CatchUpAsync(db, default));
            Assert.False(await outbox.CatchUpAsync(db, default));
        }
        Assert.Equal(database, (await CountsAsync()).Index);

        var lucene = Assert.IsType<LuceneChargeSearch>(_app.Services.SearchEngine());
        var before = lucene.CurrentFolder;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SearchOutbox>()
                .RebuildAsync(scope.ServiceProvider.GetRequiredService<DetainerGraph.Data.DetainerDbContext>(), default);
        }
        Assert.NotEqual(before, lucene.CurrentFolder);
        Assert.False(Directory.Exists(Path.Combine(_app.StorageDirectory, "search", before)));
        Assert.Equal(lucene.CurrentFolder, File.ReadAllText(Path.Combine(_app.StorageDirectory, "search", "current")));
        Assert.Equal(database, (await CountsAsync()).Index);
        Assert.Contains(await HitsAsync("vandalism"), h => h.Description == "MAL MISCH 1");
    }

    [Fact]
    public async Task Search_keeps_working_while_a_rebuild_swaps_the_index()
    {
        var search = _app.Services.GetRequiredService<IChargeSearch>();
        var query = ChargeQuery.Parse("assault");
        using var stop = new CancellationTokenSource();
        var searches = Task.Run(async () =>
        {
            var runs = 0;
            while (!stop.IsCancellationRequested || runs == 0)
            {
                var result = await search.SearchAsync(new ChargeSearchRequest(query, new ChargeSearchFilter(), 0, 10, [SearchFacet.State]), default);
                Assert.True(result.TotalCount > 0);
                runs++;
            }
            return runs;
        });
        for (var i = 0; i < 3; i++)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<SearchOutbox>()
                .RebuildAsync(scope.ServiceProvider.GetRequiredService<DetainerGraph.Data.DetainerDbContext>(), default);
        }
        await stop.CancelAsync();
        Assert.True(await searches > 0);
    }

    [Fact]
    public void Elasticsearch_without_a_url_stops_the_start_with_its_reason()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["Search:Provider"] = "Elasticsearch" });
        var error = Assert.ThrowsAny<Exception>(() => app.Started());
        Assert.Contains("Search:Url must be the cluster's http(s) address", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_provider_stops_the_start_with_its_reason()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["Search:Provider"] = "Solr" });
        var error = Assert.ThrowsAny<Exception>(() => app.Started());
        Assert.Contains("Search:Provider is 'Solr'; expected Lucene or Elasticsearch.", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_fields_answer_while_search_is_asked_nonsense()
    {
        var response = await _app.QueryAsync("""
            { detainers(first: 1) { totalCount }
              searchCharges(query: "x", first: 5000) { totalCount } }
            """);
        Assert.Equal(JsonValueKind.Number, response.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").ValueKind);
        Assert.Equal("PAGE_SIZE_OUT_OF_RANGE", response.FirstErrorCode());
    }
}
