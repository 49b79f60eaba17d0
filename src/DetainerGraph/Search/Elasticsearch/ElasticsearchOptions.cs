using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace DetainerGraph.Search.Elasticsearch;

/// <summary>The <c>Search:*</c> settings of the Elasticsearch engine.</summary>
public sealed class ElasticsearchOptions
{
    /// <summary>The cluster, e.g. <c>http://localhost:9200</c>. Required.</summary>
    public required Uri Url { get; init; }

    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>An encoded API key; used instead of a user name and password when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The alias searches read; each rebuild creates <c>{IndexPrefix}-{yyyyMMddHHmmss}</c> behind it.</summary>
    public string IndexPrefix { get; init; } = "detainergraph-charges";

    /// <summary>How long one request may take before search fails with SEARCH_UNAVAILABLE.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public static ElasticsearchOptions Read(IConfiguration configuration)
    {
        var url = configuration["Search:Url"];
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"Search:Provider is Elasticsearch, so Search:Url must be the cluster's http(s) address; it is '{url}'.");
        }
        var prefix = configuration["Search:IndexPrefix"] is { Length: > 0 } p ? p : "detainergraph-charges";
        // Elasticsearch index names: lower case, no spaces or the characters it reserves.
        if (!string.Equals(prefix, prefix.ToLowerInvariant(), StringComparison.Ordinal) || prefix.IndexOfAny([' ', '"', '*', '\\', '<', '|', ',', '>', '/', '?', '#', ':']) >= 0
            || prefix.StartsWith('-') || prefix.StartsWith('_') || prefix.StartsWith('+'))
        {
            throw new InvalidOperationException($"Search:IndexPrefix '{prefix}' is not a valid Elasticsearch index name (lower case, no spaces or \\/*?\"<>|,#:).");
        }
        var timeout = configuration.GetValue("Search:RequestTimeout", TimeSpan.FromSeconds(5));
        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Search:RequestTimeout must be positive; it is {timeout}.");
        }
        return new ElasticsearchOptions
        {
            Url = uri,
            Username = configuration["Search:Username"] is { Length: > 0 } u ? u : null,
            Password = configuration["Search:Password"],
            ApiKey = configuration["Search:ApiKey"] is { Length: > 0 } k ? k : null,
            IndexPrefix = prefix,
            RequestTimeout = timeout,
        };
    }

    /// <summary>
    /// Client settings: one node, no retries (a down or slow cluster fails search fast instead of multiplying
    /// the wait), the request timeout, and the credentials. Tests pass an in-memory invoker instead of HTTP.
    /// </summary>
    public ElasticsearchClientSettings ClientSettings(IRequestInvoker? invoker = null)
    {
        var pool = new SingleNodePool(Url);
        var settings = invoker is null ? new ElasticsearchClientSettings(pool) : new ElasticsearchClientSettings(pool, invoker);
        settings.RequestTimeout(RequestTimeout).MaximumRetries(0).DisablePing();
        if (ApiKey is not null)
        {
            settings.Authentication(new ApiKey(ApiKey));
        }
        else if (Username is not null)
        {
            settings.Authentication(new BasicAuthentication(Username, Password ?? ""));
        }
        return settings;
    }
}
