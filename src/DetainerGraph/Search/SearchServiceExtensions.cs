using DetainerGraph.Data;
using DetainerGraph.Operability;
using DetainerGraph.Search.Elasticsearch;
using Elastic.Clients.Elasticsearch;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DetainerGraph.Search;

public enum SearchProvider
{
    Lucene,
    Elasticsearch,
}

public static class SearchServiceExtensions
{
    /// <summary>The service key of the bare engine, beneath instrumentation and the time limit (tests put a fake engine here).</summary>
    public const string Engine = "charge-search-engine";

    /// <summary>
    /// Charge search, chosen by <c>Search:Provider</c>: <c>Lucene</c> (default, embedded, its index under
    /// <c>Storage:Directory/search/</c>) or <c>Elasticsearch</c> (<c>Search:Url</c>, credentials, <c>Search:IndexPrefix</c>,
    /// <c>Search:RequestTimeout</c>; see <see cref="ElasticsearchOptions"/>). The one place the engine is composed:
    /// <see cref="IChargeSearch"/> is the engine (keyed <see cref="Engine"/>) → <see cref="InstrumentedChargeSearch"/> →
    /// <see cref="TimeLimitedChargeSearch"/>. Writers reach it only through <see cref="SearchSync"/>; the outbox and
    /// its worker are registered here too.
    /// </summary>
    public static IHostApplicationBuilder AddChargeSearch(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddKeyedSingleton<IChargeSearch>(Engine, (sp, _) => CreateEngine(sp));
        services.TryAddSingleton<DetainerGraphTelemetry>();
        services.AddSingleton(sp => ChargeSearchOptions.Read(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IChargeSearch>(sp => new TimeLimitedChargeSearch(
            new InstrumentedChargeSearch(sp.GetRequiredKeyedService<IChargeSearch>(Engine), sp.GetRequiredService<DetainerGraphTelemetry>()),
            sp.GetRequiredService<ChargeSearchOptions>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddScoped<SearchOutbox>();
        services.AddScoped<SearchSync>();
        services.AddSingleton<SearchOutboxSignal>();
        services.AddHostedService<SearchOutboxWorker>();
        return builder;
    }

    private static IChargeSearch CreateEngine(IServiceProvider sp)
    {
        var configuration = sp.GetRequiredService<IConfiguration>();
        var synonyms = Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName);
        if (ReadProvider(configuration["Search:Provider"]) == SearchProvider.Elasticsearch)
        {
            var options = ElasticsearchOptions.Read(configuration);
            return new ElasticChargeSearch(new ElasticsearchClient(options.ClientSettings()), options,
                ElasticChargeIndex.ReadSynonymRules(synonyms), TimeProvider.System, sp.GetRequiredService<ILogger<ElasticChargeSearch>>());
        }
        return new LuceneChargeSearch(
            sp.GetRequiredService<StorageOptions>(),
            synonyms,
            sp.GetRequiredService<ILogger<LuceneChargeSearch>>(),
            configuration.GetValue("Search:TypoCacheBytes", LuceneChargeSearch.DefaultTypoCacheBytes));
    }

    /// <summary>
    /// Makes the configured engine before serving, so a bad <c>Search:Provider</c> stops the start with its reason, and
    /// starts opening the embedded index in the background (<see cref="LuceneChargeSearch.StartOpening"/>): readiness
    /// does not wait for it, the first search does not pay for it.
    /// </summary>
    public static void PrepareChargeSearch(this IServiceProvider services)
    {
        services.GetRequiredService<IChargeSearch>();
        if (services.GetRequiredKeyedService<IChargeSearch>(Engine) is LuceneChargeSearch lucene)
        {
            _ = lucene.StartOpening();
        }
    }

    public static SearchProvider ReadProvider(string? configured)
    {
        var text = configured is { Length: > 0 } ? configured : nameof(SearchProvider.Lucene);
        if (!Enum.TryParse<SearchProvider>(text, ignoreCase: true, out var provider) || !Enum.IsDefined(provider))
        {
            throw new InvalidOperationException($"Search:Provider is '{text}'; expected Lucene or Elasticsearch.");
        }
        return provider;
    }
}

/// <summary>How long <c>searchCharges</c> waits for the engine (<c>Search:RequestTimeout</c>, 5 s) before it answers SEARCH_UNAVAILABLE.</summary>
public sealed record ChargeSearchOptions(TimeSpan RequestTimeout)
{
    public static ChargeSearchOptions Read(IConfiguration configuration)
    {
        var timeout = configuration.GetValue("Search:RequestTimeout", TimeSpan.FromSeconds(5));
        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Search:RequestTimeout must be positive; it is {timeout}.");
        }
        return new ChargeSearchOptions(timeout);
    }
}
