using System.Globalization;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// An import's session analyzes each distinct text once and replays its tokens for the other documents with the
/// same text; the outbox drain analyzes every document. Both indexes must answer every search the same: hits,
/// order, scores, highlights and facet counts.
/// </summary>
public sealed class ImportReplayIndexTests : IDisposable
{
    private static readonly ReferenceData Reference = new(Path.Combine(AppContext.BaseDirectory, "data"));
    private readonly TestApp _replayed = new();
    private readonly TestApp _analyzed = new();

    public void Dispose()
    {
        _replayed.Dispose();
        _analyzed.Dispose();
    }

    [Fact]
    public async Task An_index_built_beside_the_import_answers_every_search_as_one_built_after_the_commit()
    {
        string text;
        using (var writer = new StringWriter(CultureInfo.InvariantCulture))
        {
            new DetainerGenerator(Reference).Write(writer, 1_200, 5, new DateOnly(2017, 1, 28), 3);
            text = writer.ToString();
        }
        // The shipped sample too: real descriptions, with abbreviations and codes.
        await _replayed.ImportSampleFileAsync("pa_detainers_2007_2015.csv");
        Assert.Equal(ImportOutcome.Imported, (await _replayed.ImportAsync("generated.csv", text)).Outcome);
        await using (var scope = _analyzed.Started().CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var importer = new Importer(db, Reference);
            await importer.ImportAsync(Path.Combine(AppContext.BaseDirectory, "data", "pa_detainers_2007_2015.csv"));
            await importer.ImportAsync("generated.csv", Encoding.UTF8.GetBytes(text));
            // The outbox worker may drain a row first (the same analyzing path); after this drain none is owed.
            await scope.ServiceProvider.GetRequiredService<SearchOutbox>().DrainAsync(db, default);
            Assert.Equal(2, await db.SearchOutbox.CountAsync(e => e.ProcessedAt != null));
            Assert.Equal(0, await db.SearchOutbox.CountAsync(e => e.ProcessedAt == null));
        }

        foreach (var query in new[] { "", "assault", "\\\"driving under influence\\\"", "asault", "assa*", "dui", "agg assault", "cocaine", "burglary", "traffic offense", "burglery", "poss marijuana", "1313", "dangerous drugs" })
        {
            var request = "{ searchCharges(query: \"" + query + "\", first: 25, includeSynthetic: true) { totalCount syntheticExcluded " +
                "edges { cursor node { score highlight charge { id description } } } facets(fields: [STATE, JURISDICTION, WEEK, OUTCOME, STATUS, CHARGE_CATEGORY, CITIZENSHIP, SOURCE_KIND]) { field buckets { value label count } } } }";
            var replayed = await _replayed.DataAsync(request);
            var analyzed = await _analyzed.DataAsync(request);

            if (query.Length == 0)
            {
                // The empty query matches every charge: the two indexes hold the same documents.
                Assert.True(replayed.GetProperty("searchCharges").GetProperty("totalCount").GetInt32() > 1_000);
            }
            Assert.Equal(analyzed.GetRawText(), replayed.GetRawText());
        }
    }
}
