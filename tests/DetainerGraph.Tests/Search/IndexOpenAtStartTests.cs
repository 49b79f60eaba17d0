using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The server opens the embedded index when it starts, in the background, rather than on the first search: the first
/// search after a start found the index closed and paid for opening it (1.2 s at 1M detainers).
/// </summary>
public sealed class IndexOpenAtStartTests
{
    [Fact]
    public async Task The_server_start_opens_the_index_without_any_search()
    {
        using var app = new TestApp();
        var lucene = Assert.IsType<LuceneChargeSearch>(app.Started().SearchEngine());

        // Set only by the start (commands and searches never start it): awaited, not timed.
        var opening = Assert.IsAssignableFrom<Task>(lucene.Opening);
        await opening;

        Assert.True(lucene.IsOpen);
        Assert.Same(opening, lucene.StartOpening());
        Assert.Equal(0, await lucene.CountAsync(default));
    }

    [Fact]
    public async Task An_index_that_cannot_be_opened_at_start_leaves_the_start_serving_and_the_first_search_tries_again()
    {
        var storage = TestApp.NewStorageDirectory();
        Directory.CreateDirectory(Path.Combine(storage, "search"));
        using var app = new TestApp(storageDirectory: storage);
        // Another process holds the index (as the `import` command would): the open at start fails.
        var held = new FileStream(Path.Combine(storage, "search", "process.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var lucene = Assert.IsType<LuceneChargeSearch>(app.Started().SearchEngine());
            await Assert.IsAssignableFrom<Task>(lucene.Opening);
            Assert.False(lucene.IsOpen);
            var refused = await app.QueryAsync("{ searchCharges(query: \"assault\") { totalCount } }");
            Assert.Equal("SEARCH_UNAVAILABLE", refused.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }
        finally
        {
            held.Dispose();
        }

        var data = await app.DataAsync("{ searchCharges(query: \"assault\") { totalCount } }");
        Assert.Equal(0, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
        Assert.True(((LuceneChargeSearch)app.Services.SearchEngine()).IsOpen);
    }
}
