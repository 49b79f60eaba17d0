using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>Two imports of one content at once: the store gets it once.</summary>
public sealed class ConcurrentImportTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("the same bytes")]
    [InlineData("the same text with CRLF endings")]
    [InlineData("the same text with a byte-order mark")]
    public async Task Two_imports_that_both_looked_up_before_either_wrote_import_the_content_once(string other)
    {
        var lf = Encoding.UTF8.GetBytes(SampleRows.Foia);
        var second = other switch
        {
            "the same bytes" => lf,
            "the same text with CRLF endings" => Encoding.UTF8.GetBytes(SampleRows.Foia.Replace("\n", "\r\n", StringComparison.Ordinal)),
            _ => [0xEF, 0xBB, 0xBF, .. lf],
        };
        // Each import waits after its lookup (which finds nothing) until the other has looked up too: then both write.
        var looked = 0;
        var bothLooked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task AfterLookup()
        {
            if (Interlocked.Increment(ref looked) == 2)
            {
                bothLooked.SetResult();
            }
            return bothLooked.Task;
        }
        async Task<ImportResult> ImportAsync(string name, byte[] bytes)
        {
            await using var scope = _app.Started().CreateAsyncScope();
            var importer = new Importer(scope.ServiceProvider.GetRequiredService<DetainerDbContext>(), scope.ServiceProvider.GetRequiredService<ReferenceData>(),
                scope.ServiceProvider.GetRequiredService<SearchSync>())
            {
                AfterLookup = AfterLookup,
            };
            return await importer.ImportAsync(name, bytes);
        }

        var results = await Task.WhenAll(ImportAsync("a.csv", lf), ImportAsync("b.csv", second)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal([ImportOutcome.Imported, ImportOutcome.AlreadyImported], results.Select(r => r.Outcome).Order());
        Assert.Equal(results[0].Source.Id, results[1].Source.Id);
        var counts = await _app.CountsAsync();
        Assert.Equal(1, counts["sources"]);
        Assert.Equal(5, counts["detainers"]);
    }
}
