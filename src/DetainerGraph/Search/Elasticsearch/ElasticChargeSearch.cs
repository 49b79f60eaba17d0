using System.Globalization;
using DetainerGraph.Search.Analysis;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;

namespace DetainerGraph.Search.Elasticsearch;

/// <summary>
/// The production engine: Elasticsearch 9 through Elastic.Clients.Elasticsearch 9.5.3. Searches read the alias
/// <c>Search:IndexPrefix</c>; a rebuild loads a new versioned index and moves the alias in one atomic
/// <c>_aliases</c> call. Queries are built from our parsed <see cref="ChargeQuery"/> clauses, never from
/// user text parsed as engine syntax. Any failure of the cluster (unreachable, timed out, 429, 5xx, or a
/// request it refused) surfaces as <see cref="SearchUnavailableException"/>, whose message is ours.
/// </summary>
/// <remarks>
/// Paging: positions (<c>from</c>/<c>size</c>) within the first <see cref="ChargeSearchRequest.MaxResultWindow"/>
/// hits, which is what GraphQL cursors are (they are positions everywhere in this API, and <c>last/before</c>
/// need them); when the caller passes the previous page's last sort key (<see cref="ChargeSearchRequest.After"/>),
/// <c>search_after</c> on (<c>_score</c>, <c>charge_id</c>) instead, which costs the same at any depth.
/// </remarks>
public sealed partial class ElasticChargeSearch : IChargeSearch, IDisposable
{
    private const int BulkBatchSize = 1_000;
    private const int FacetSize = 10_000;
    private const string SuggesterPrefix = "did_you_mean_";
    private const string MissingSuffix = "_missing";
    private const string LockId = "rebuild";
    private const int MaxCachedTerms = 10_000;

    /// <summary>How long an answer of the term lookup is reused (writes in this process forget them at once).</summary>
    public static readonly TimeSpan KnownTermLifetime = TimeSpan.FromMinutes(1);

    /// <summary>A rebuild's lock expires this long after it was last renewed (a crashed rebuild blocks no other for longer).</summary>
    public static readonly TimeSpan LockLifetime = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan LockRenewal = TimeSpan.FromMinutes(1);

    private readonly ElasticsearchClient _client;
    private readonly ElasticsearchOptions _options;
    private readonly IReadOnlyList<string> _synonyms;
    /// <summary>What the documents are analysed with, hashed when first needed (an index created, the start check).</summary>
    private readonly Lazy<string> _analysis;
    private readonly TimeProvider _time;
    private readonly ILogger<ElasticChargeSearch> _logger;
    private readonly SemaphoreSlim _ensureGate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool Known, DateTimeOffset Until)> _knownTerms = new(StringComparer.Ordinal);
    private readonly RequestConfiguration _write;
    private bool _aliasKnown;

    /// <param name="analysis">What the documents are analysed with (<see cref="AnalysisFingerprint"/>), stored in each
    /// index's <c>_meta</c>; the shipped data's by default.</param>
    public ElasticChargeSearch(ElasticsearchClient client, ElasticsearchOptions options, IReadOnlyList<string> synonyms, TimeProvider time,
        ILogger<ElasticChargeSearch> logger, string? analysis = null)
    {
        _client = client;
        _options = options;
        _synonyms = synonyms;
        _analysis = new(() => analysis ?? AnalysisFingerprint.Shipped);
        _time = time;
        _logger = logger;
        _write = new RequestConfiguration { RequestTimeout = options.WriteTimeout };
    }

    /// <summary>The alias every search and write goes through.</summary>
    public string Alias => _options.IndexPrefix;

    /// <summary>The index of the rebuild lock document (outside <c>{prefix}-*</c>, so the alias swap never touches it).</summary>
    public string LockIndex => _options.IndexPrefix + "_lock";

    /// <summary>The index a first write creates when the alias does not exist yet: one fixed name, so two processes cannot create two.</summary>
    public string BootstrapIndex => _options.IndexPrefix + "-000000";


    // ---- Reads ----

    public async Task<long> CountAsync(CancellationToken ct)
    {
        var response = await _client.CountAsync(new CountRequest(Indices.Parse(Alias)), ct);
        if (IsIndexNotFound(response))
        {
            return 0;
        }
        Check(response, "count");
        return response.Count;
    }

    /// <summary>
    /// Reads the live index's mapping through the alias: its <c>_meta</c> names the analysis it was built with
    /// (<see cref="ElasticChargeIndex.Define"/>); an index made before fingerprints has none. No index yet is current.
    /// </summary>
    public async Task<bool> IsAnalysisCurrentAsync(CancellationToken ct)
    {
        var response = await _client.Indices.GetMappingAsync(new GetMappingRequest(Indices.Parse(Alias)), ct);
        if (IsIndexNotFound(response))
        {
            return true;
        }
        Check(response, "mapping");
        return ElasticChargeIndex.BuiltWith(response) == _analysis.Value;
    }

    public async Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        var plan = await PlanAsync(request.Query, ct);
        var response = plan is null ? null : await _client.SearchAsync<ElasticChargeDocument>(BuildSearch(Alias, request, plan), ct);
        if (plan is null || response is null || IsIndexNotFound(response))
        {
            // Nothing indexed yet (a fresh cluster before its first write): nothing matches, as on Lucene.
            return new ChargeSearchResult(0, [], [.. request.Facets.Select(f => new FacetResult(f, []))], null);
        }
        CheckSearch(response);
        return ReadResult(request, plan, response);
    }

    /// <summary>
    /// The query's <see cref="ChargeQueryPlan"/>: which of its words the index holds, looked up in one request
    /// (<see cref="BuildTermLookup"/>) for the words not answered in the last minute. Null when the index does not exist.
    /// </summary>
    public async Task<ChargeQueryPlan?> PlanAsync(ChargeQuery query, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        var ask = new List<string>();
        foreach (var term in ChargeQueryPlan.FuzzCandidates(query))
        {
            if (_knownTerms.TryGetValue(term, out var cached) && cached.Until > now)
            {
                known[term] = cached.Known;
            }
            else
            {
                ask.Add(term);
            }
        }
        if (ask.Count > 0)
        {
            var response = await _client.SearchAsync<ElasticChargeDocument>(BuildTermLookup(Alias, ask), ct);
            if (IsIndexNotFound(response))
            {
                return null;
            }
            CheckSearch(response, "term lookup");
            var counts = response.Aggregations?.GetFilters(KnownAggregation)?.Buckets.Select(b => b.DocCount).ToList();
            if (counts is null || counts.Count != ask.Count)
            {
                LogCallFailed(_logger, "term lookup", 200, "the answer lacks the known-terms buckets", null);
                throw new SearchUnavailableException("The search engine gave an unexpected answer (term lookup).");
            }
            if (_knownTerms.Count > MaxCachedTerms)
            {
                _knownTerms.Clear();
            }
            for (var i = 0; i < ask.Count; i++)
            {
                var count = counts[i];
                known[ask[i]] = count > 0;
                _knownTerms[ask[i]] = (count > 0, now + KnownTermLifetime);
            }
        }
        return ChargeQueryPlan.Plan(query, term => known.TryGetValue(term, out var holds) && holds);
    }

    // ---- Responses ----

    private ChargeSearchResult ReadResult(ChargeSearchRequest request, ChargeQueryPlan plan, SearchResponse<ElasticChargeDocument> response)
    {
        var hits = new List<ChargeSearchHit>();
        foreach (var hit in response.Hits)
        {
            var source = hit.Source;
            if (source is null)
            {
                continue;
            }
            var marked = hit.Highlight is { } h && h.TryGetValue(ElasticChargeIndex.Description, out var fragments) && fragments.Count > 0
                ? fragments.First()
                : null;
            var highlight = ChargeHighlight.Html(source.Description, marked);
            hits.Add(new ChargeSearchHit(source.ChargeId, source.DetainerId, (float)(hit.Score ?? 0), highlight));
        }
        var total = (int)response.Total;
        var facets = request.Facets.Select(f => new FacetResult(f, ReadFacet(f, response.Aggregations))).ToList();
        var suggestion = total == 0 && request.Query.Clauses.Count > 0 ? ReadSuggestion(request.Query, plan, response.Suggest) : null;
        return new ChargeSearchResult(total, hits, facets, suggestion);
    }

    private List<FacetBucket> ReadFacet(SearchFacet facet, AggregateDictionary? aggregations)
    {
        var buckets = new List<FacetBucket>();
        if (aggregations is null)
        {
            return buckets;
        }
        var name = FacetName(facet);
        if (aggregations.GetStringTerms(name) is { } strings)
        {
            if (strings.SumOtherDocCount is > 0 and var other)
            {
                // Past FacetSize distinct values the buckets no longer add up to the total: say so rather than hide it.
                LogFacetTruncated(_logger, facet, FacetSize, other);
            }
            foreach (var bucket in strings.Buckets)
            {
                var key = bucket.Key.ToString();
                buckets.Add(facet == SearchFacet.Jurisdiction && key.Split('|', 2) is [var id, var label]
                    ? new FacetBucket(id, label, (int)bucket.DocCount)
                    : new FacetBucket(key, key, (int)bucket.DocCount));
            }
        }
        else if (aggregations.GetLongTerms(name) is { } longs)
        {
            if (longs.SumOtherDocCount is > 0 and var other)
            {
                LogFacetTruncated(_logger, facet, FacetSize, other);
            }
            // A date field's terms come back as epoch milliseconds with the mapping's format beside them.
            foreach (var bucket in longs.Buckets)
            {
                var key = bucket.KeyAsString ?? DateTimeOffset.FromUnixTimeMilliseconds(bucket.Key).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                buckets.Add(new FacetBucket(key, key, (int)bucket.DocCount));
            }
        }
        buckets = [.. buckets.OrderByDescending(b => b.Count).ThenBy(b => b.Value, StringComparer.Ordinal)];
        if (aggregations.GetMissing(name + MissingSuffix) is { DocCount: > 0 } missing)
        {
            buckets.Add(new FacetBucket(null, null, (int)missing.DocCount));
        }
        return buckets;
    }

    /// <summary>
    /// Each clause rebuilt with its unknown words replaced by the best option of the suggester for the word's edits
    /// (<see cref="ChargeQueryPlan.SuggestionEdits"/>); null when nothing changed.
    /// </summary>
    private static string? ReadSuggestion(ChargeQuery query, ChargeQueryPlan plan, SuggestDictionary<ElasticChargeDocument>? suggest)
    {
        // The suggesters analyse the same text, so they give the same words at the same offsets.
        var entries = suggest?.GetTerm(SuggesterName(1))?.ToList();
        if (entries is null || entries.Count == 0)
        {
            return null;
        }
        var farther = (suggest!.GetTerm(SuggesterName(2)) ?? []).ToDictionary(e => e.Offset);
        var changed = false;
        var parts = new List<string>();
        var start = 0;
        foreach (var clause in query.Clauses)
        {
            var end = start + clause.Text.Length;
            var words = entries.Where(e => e.Offset >= start && e.Offset < end).Select(e =>
            {
                var edits = plan.SuggestionEdits(e.Text);
                var options = edits switch
                {
                    1 => e.Options,
                    2 when farther.TryGetValue(e.Offset, out var far) => far.Options,
                    _ => [],
                };
                if (options.FirstOrDefault() is { } option)
                {
                    changed = true;
                    return option.Text;
                }
                return e.Text;
            }).ToList();
            start = end + 1;
            if (words.Count == 0)
            {
                continue;
            }
            var text = string.Join(' ', words);
            parts.Add(clause.Kind switch
            {
                _ when clause.Quoted => $"\"{text}\"",
                QueryClauseKind.Prefix => text + "*",
                _ => text,
            });
        }
        return changed ? string.Join(' ', parts) : null;
    }

    // ---- Errors ----

    /// <summary>
    /// <see cref="Check"/> for a search, except that a query Elasticsearch refuses as too large once rewritten
    /// (<c>too_many_nested_clauses</c>, <c>too_many_clauses</c>: fuzzy and prefix expansions past
    /// <c>indices.query.bool.max_clause_count</c>) is the client's SEARCH_QUERY_TOO_COMPLEX, not an outage.
    /// </summary>
    private void CheckSearch(ElasticsearchResponse response, string operation = "search")
    {
        if (!response.IsValidResponse && response.ElasticsearchServerError?.Error is { } error && ErrorTypes(error).Any(t => t is "too_many_nested_clauses" or "too_many_clauses"))
        {
            LogTooComplex(_logger, operation, error.Reason ?? "");
            throw new SearchQueryException("SEARCH_QUERY_TOO_COMPLEX",
                "The search query expands to too many indexed words; use fewer words or longer prefixes.");
        }
        Check(response, operation);
    }

    private static IEnumerable<string?> ErrorTypes(Error error)
    {
        yield return error.Type;
        foreach (var root in error.RootCause ?? [])
        {
            yield return root.Type;
        }
        for (var cause = error.CausedBy; cause is not null; cause = cause.CausedBy)
        {
            yield return cause.Type;
        }
    }

    private static bool IsIndexNotFound(ElasticsearchResponse response) =>
        response.ApiCallDetails.HttpStatusCode == 404 && response.ElasticsearchServerError?.Error?.Type == "index_not_found_exception";

    /// <summary>
    /// Throws <see cref="SearchUnavailableException"/> for any failed call: no answer (connection refused, DNS,
    /// timeout), 429, 5xx, or a 4xx refusal. The engine's text is logged, never shown to clients.
    /// </summary>
    private void Check(ElasticsearchResponse response, string operation, bool notFoundIsValid = false)
    {
        if (response.IsValidResponse || (notFoundIsValid && response.ApiCallDetails.HttpStatusCode == 404))
        {
            return;
        }
        var status = response.ApiCallDetails.HttpStatusCode;
        var detail = Describe(response);
        LogCallFailed(_logger, operation, status, detail, response.ApiCallDetails.OriginalException);
        var reason = status switch
        {
            null => "did not answer in time or could not be reached",
            429 => "is overloaded",
            >= 500 => "failed",
            _ => "refused the request",
        };
        throw new SearchUnavailableException($"The search engine {reason} ({operation}).", response.ApiCallDetails.OriginalException);
    }

    private static string Describe(ElasticsearchResponse response) =>
        response.ElasticsearchServerError?.Error is { } error
            ? $"{error.Type}: {error.Reason}"
            : response.ApiCallDetails.OriginalException?.Message ?? $"HTTP {response.ApiCallDetails.HttpStatusCode}";

    private static string FacetName(SearchFacet facet) => "f_" + facet.ToString().ToLowerInvariant();

    private static Id Id(long chargeId) => new(chargeId.ToString(CultureInfo.InvariantCulture));

    public void Dispose() => _ensureGate.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch {Operation} failed (HTTP {Status}): {Detail}")]
    private static partial void LogCallFailed(ILogger logger, string operation, int? status, string detail, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Facet} facet has more than {Size} values; {Other} hits fall outside its buckets")]
    private static partial void LogFacetTruncated(ILogger logger, SearchFacet facet, int size, long other);

    [LoggerMessage(Level = LogLevel.Information, Message = "Elasticsearch refused a search as too complex ({Operation}): {Reason}")]
    private static partial void LogTooComplex(ILogger logger, string operation, string reason);
}
