using DetainerGraph.Data;
using DetainerGraph.Operability;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// Search is composed in one place (<see cref="SearchServiceExtensions.AddChargeSearch"/>): the engine, then its
/// instrumentation, then the time limit. Operability offers telemetry and registers no search of its own, so the
/// order of the two calls in Program.cs does not matter.
/// </summary>
public sealed class SearchCompositionTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_engine_is_wrapped_once_in_instrumentation_then_the_time_limit_whichever_wing_is_added_first(bool searchFirst)
    {
        var folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(new StorageOptions { Directory = folder, ConnectionString = "" });
        if (searchFirst)
        {
            builder.AddChargeSearch();
            builder.AddDetainerOperability();
        }
        else
        {
            builder.AddDetainerOperability();
            builder.AddChargeSearch();
        }

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IChargeSearch) && d.ServiceKey is null);
        using var host = builder.Build();
        var limited = Assert.IsType<TimeLimitedChargeSearch>(host.Services.GetRequiredService<IChargeSearch>());
        var instrumented = Assert.IsType<InstrumentedChargeSearch>(limited.Inner);
        Assert.IsType<LuceneChargeSearch>(instrumented.Inner);
        Assert.Same(instrumented.Inner, host.Services.SearchEngine());
    }

    [Fact]
    public async Task A_page_past_the_result_window_is_refused_before_the_engine_is_asked()
    {
        var engine = new FakeSearchEngine();
        var search = new TimeLimitedChargeSearch(engine, new ChargeSearchOptions(TimeSpan.FromSeconds(5)), TimeProvider.System);

        var error = await Assert.ThrowsAsync<SearchQueryException>(() => search.SearchAsync(
            new ChargeSearchRequest(ChargeQuery.Parse("theft"), new ChargeSearchFilter(), ChargeSearchRequest.MaxResultWindow, 1, []), default));

        Assert.Equal("SEARCH_WINDOW_TOO_LARGE", error.Code);
        Assert.Equal(0, engine.Searches);
    }
}
