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

    /// <summary>How long one search or count may take before search fails with SEARCH_UNAVAILABLE.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one write may take: a bulk, a refresh, an index creation or deletion, an alias change. A bulk of
    /// a large load under merge pressure, or the one refresh at the end of a rebuild, can pass the search timeout.
    /// </summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a write refused with 429 (or 502/503/504, or no answer) is tried again, with back-off.</summary>
    public int WriteRetries { get; init; } = 5;

    /// <summary>The first back-off delay, doubled on each retry (1 s, 2 s, 4 s, 8 s, 16 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The SHA-256 fingerprint (hex) of the cluster's CA or HTTP certificate, for an <c>https</c> cluster whose
    /// certificate is not signed by a CA the host trusts (Elasticsearch's own self-signed CA).
    /// </summary>
    public string? CertificateFingerprint { get; init; }

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
        var writeTimeout = configuration.GetValue("Search:WriteTimeout", TimeSpan.FromMinutes(2));
        if (writeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Search:WriteTimeout must be positive; it is {writeTimeout}.");
        }
        var fingerprint = configuration["Search:CertificateFingerprint"] is { Length: > 0 } f ? f.Replace(":", "", StringComparison.Ordinal) : null;
        if (fingerprint is not null && (fingerprint.Length != 64 || !fingerprint.All(char.IsAsciiHexDigit)))
        {
            throw new InvalidOperationException("Search:CertificateFingerprint must be a SHA-256 fingerprint: 64 hex digits (colons allowed).");
        }
        if (fingerprint is not null && uri.Scheme != "https")
        {
            throw new InvalidOperationException("Search:CertificateFingerprint is set, so Search:Url must be an https address.");
        }
        return new ElasticsearchOptions
        {
            WriteTimeout = writeTimeout,
            CertificateFingerprint = fingerprint,
            Url = uri,
            Username = configuration["Search:Username"] is { Length: > 0 } u ? u : null,
            Password = configuration["Search:Password"],
            ApiKey = configuration["Search:ApiKey"] is { Length: > 0 } k ? k : null,
            IndexPrefix = prefix,
            RequestTimeout = timeout,
        };
    }

    /// <summary>
    /// Client settings: one node, no transport retries (a down or slow cluster fails search fast instead of
    /// multiplying the wait; writes retry on their own, see <see cref="WriteRetries"/>), the search timeout (writes
    /// set <see cref="WriteTimeout"/> per request), the certificate pin, and the credentials. Tests pass an in-memory invoker instead of HTTP.
    /// </summary>
    public ElasticsearchClientSettings ClientSettings(IRequestInvoker? invoker = null)
    {
        var pool = new SingleNodePool(Url);
        var settings = invoker is null ? new ElasticsearchClientSettings(pool) : new ElasticsearchClientSettings(pool, invoker);
        settings.RequestTimeout(RequestTimeout).MaximumRetries(0).DisablePing();
        if (CertificateFingerprint is not null)
        {
            settings.CertificateFingerprint(CertificateFingerprint);
        }
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
