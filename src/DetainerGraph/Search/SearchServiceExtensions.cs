using DetainerGraph.Data;

namespace DetainerGraph.Search;

public enum SearchProvider
{
    Lucene,
    Elasticsearch,
}

public static class SearchServiceExtensions
{
    /// <summary>
    /// Charge search, chosen by <c>Search:Provider</c>: <c>Lucene</c> (default, embedded, its index under
    /// <c>Storage:Directory/search/</c>) or <c>Elasticsearch</c> (not built yet: refused at start).
    /// </summary>
    public static IHostApplicationBuilder AddChargeSearch(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IChargeSearch>(sp =>
        {
            var configured = sp.GetRequiredService<IConfiguration>()["Search:Provider"];
            var provider = ReadProvider(configured);
            if (provider != SearchProvider.Lucene)
            {
                throw new InvalidOperationException(
                    "Search:Provider is Elasticsearch, but Elasticsearch support is not built yet; use Search:Provider=Lucene (the default).");
            }
            return new LuceneChargeSearch(
                sp.GetRequiredService<StorageOptions>(),
                Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName),
                sp.GetRequiredService<ILogger<LuceneChargeSearch>>());
        });
        services.AddScoped<ChargeIndexing>();
        services.AddSingleton<SearchOutboxSignal>();
        services.AddHostedService<SearchOutboxWorker>();
        return builder;
    }

    /// <summary>Opens the configured engine before serving, so a bad <c>Search:Provider</c> stops the start with its reason.</summary>
    public static void PrepareChargeSearch(this IServiceProvider services) => services.GetRequiredService<IChargeSearch>();

    public static SearchProvider ReadProvider(string? configured)
    {
        var text = configured is { Length: > 0 } ? configured : nameof(SearchProvider.Lucene);
        if (!Enum.TryParse<SearchProvider>(text, ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
        {
            throw new InvalidOperationException($"Search:Provider is '{text}'; expected Lucene (Elasticsearch is not built yet).");
        }
        return provider;
    }
}
