using System.Globalization;
using System.Net;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.QueryDsl;
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
    private const string SuggesterName = "did_you_mean";
    private const string MissingSuffix = "_missing";

    private readonly ElasticsearchClient _client;
    private readonly ElasticsearchOptions _options;
    private readonly IReadOnlyList<string> _synonyms;
    private readonly TimeProvider _time;
    private readonly ILogger<ElasticChargeSearch> _logger;
    private readonly SemaphoreSlim _ensureGate = new(1, 1);
    private bool _aliasKnown;

    public ElasticChargeSearch(ElasticsearchClient client, ElasticsearchOptions options, IReadOnlyList<string> synonyms, TimeProvider time,
        ILogger<ElasticChargeSearch> logger)
    {
        _client = client;
        _options = options;
        _synonyms = synonyms;
        _time = time;
        _logger = logger;
    }

    /// <summary>The alias every search and write goes through.</summary>
    public string Alias => _options.IndexPrefix;

    // ---- Writes ----

    public async Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }
        await EnsureAliasAsync(ct);
        foreach (var batch in documents.Chunk(BulkBatchSize))
        {
            await BulkAsync(Alias, batch.Select(d => (IBulkOperation)new BulkIndexOperation<ElasticChargeDocument>(ElasticChargeDocument.From(d))
            {
                Id = Id(d.ChargeId),
            }), Refresh.WaitFor, ct);
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct)
    {
        if (chargeIds.Count == 0)
        {
            return;
        }
        await EnsureAliasAsync(ct);
        foreach (var batch in chargeIds.Chunk(BulkBatchSize))
        {
            await BulkAsync(Alias, batch.Select(id => (IBulkOperation)new BulkDeleteOperation(Id(id))), Refresh.WaitFor, ct);
        }
    }

    private async Task BulkAsync(string index, IEnumerable<IBulkOperation> operations, Refresh refresh, CancellationToken ct)
    {
        var request = new BulkRequest(index)
        {
            Operations = [.. operations],
            Refresh = refresh,
            // Writes through the alias must never auto-create a concrete index of that name with a guessed mapping.
            RequireAlias = index == Alias ? true : null,
        };
        var response = await _client.BulkAsync(request, ct);
        Check(response, "bulk");
        if (response.Errors)
        {
            // Deleting an unknown id is not an error: only failed items other than "not found" deletes count.
            var failed = response.ItemsWithErrors.Where(i => !(i.Operation == "delete" && i.Status == 404)).ToList();
            if (failed.Count > 0)
            {
                var first = failed[0];
                LogBulkFailed(_logger, failed.Count, first.Status, first.Error?.Type ?? "", first.Error?.Reason ?? "");
                throw new SearchUnavailableException($"The search engine refused {failed.Count} documents.");
            }
        }
    }

    public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct)
    {
        var index = $"{_options.IndexPrefix}-{_time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
        await CreateIndexAsync(index, withAlias: false, ct);
        var count = 0;
        try
        {
            var batch = new List<IBulkOperation>(BulkBatchSize);
            await foreach (var document in documents.WithCancellation(ct))
            {
                batch.Add(new BulkIndexOperation<ElasticChargeDocument>(ElasticChargeDocument.From(document)) { Id = Id(document.ChargeId) });
                count++;
                if (batch.Count == BulkBatchSize)
                {
                    await BulkAsync(index, batch, Refresh.False, ct);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                await BulkAsync(index, batch, Refresh.False, ct);
            }
            Check(await _client.Indices.RefreshAsync(new RefreshRequest(index), ct), "refresh");
        }
        catch
        {
            // The half-built index never had the alias: drop it and leave searches where they were.
            await _client.Indices.DeleteAsync(new DeleteIndexRequest(index), CancellationToken.None);
            throw;
        }
        var old = await AliasedIndicesAsync(ct);
        var actions = new List<IndexUpdateAliasesAction>();
        actions.AddRange(old.Select(o => (IndexUpdateAliasesAction)new RemoveAction { Index = o, Alias = Alias }));
        actions.Add(new AddAction { Index = index, Alias = Alias });
        // One _aliases call: searches see the old index or the new one, never neither or a half-built one.
        Check(await _client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions }, ct), "alias swap");
        _aliasKnown = true;
        LogRebuilt(_logger, count, index, Alias);
        if (old.Count > 0)
        {
            var deleted = await _client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Parse(string.Join(',', old))), CancellationToken.None);
            if (!deleted.IsValidResponse)
            {
                LogDeleteFailed(_logger, string.Join(',', old), Describe(deleted));
            }
        }
    }

    /// <summary>The concrete indices the alias points at now (none when it does not exist yet).</summary>
    private async Task<List<string>> AliasedIndicesAsync(CancellationToken ct)
    {
        var response = await _client.Indices.GetAliasAsync(new GetAliasRequest(Names.Parse(Alias)), ct);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return [];
        }
        Check(response, "alias lookup");
        return [.. (response.Aliases?.Keys ?? []).Order(StringComparer.Ordinal)];
    }

    /// <summary>Before the first write of a fresh cluster: a versioned index created with the alias, never an index auto-created by a write.</summary>
    private async Task EnsureAliasAsync(CancellationToken ct)
    {
        if (_aliasKnown)
        {
            return;
        }
        await _ensureGate.WaitAsync(ct);
        try
        {
            if (!_aliasKnown)
            {
                var exists = await _client.Indices.ExistsAliasAsync(new ExistsAliasRequest(Names.Parse(Alias)), ct);
                if (exists.ApiCallDetails.HttpStatusCode != 200)
                {
                    Check(exists, "alias check", notFoundIsValid: true);
                    var index = $"{_options.IndexPrefix}-{_time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
                    await CreateIndexAsync(index, withAlias: true, ct);
                }
                _aliasKnown = true;
            }
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    private async Task CreateIndexAsync(string index, bool withAlias, CancellationToken ct)
    {
        var descriptor = new CreateIndexRequestDescriptor<ElasticChargeDocument>(index);
        ElasticChargeIndex.Define(descriptor, _synonyms);
        if (withAlias)
        {
            descriptor.Aliases(a => a.Add(Alias, new Alias()));
        }
        Check(await _client.Indices.CreateAsync(descriptor, ct), "index creation");
    }

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

    public async Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        request.CheckWindow();
        var response = await _client.SearchAsync<ElasticChargeDocument>(BuildSearch(Alias, request), ct);
        if (IsIndexNotFound(response))
        {
            // Nothing indexed yet (a fresh cluster before its first rebuild): search is not ready.
            throw new SearchUnavailableException("The search index does not exist yet.");
        }
        Check(response, "search");
        return ReadResult(request, response);
    }

    /// <summary>The <c>_search</c> request for <paramref name="request"/> (public for the request-body snapshots).</summary>
    public static SearchRequest<ElasticChargeDocument> BuildSearch(string index, ChargeSearchRequest request)
    {
        var search = new SearchRequest<ElasticChargeDocument>(Indices.Parse(index))
        {
            Query = BuildQuery(request.Query, request.Filter),
            TrackTotalHits = new TrackHits(true),
            Size = request.Limit,
            Source = new SourceConfig(new SourceFilter { Includes = Fields.FromStrings([ElasticChargeIndex.ChargeId, ElasticChargeIndex.DetainerId, ElasticChargeIndex.Description]) }),
            Sort =
            [
                new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } },
                new SortOptions { Field = new FieldSort { Field = ElasticChargeIndex.ChargeId, Order = SortOrder.Asc } },
            ],
        };
        if (request.After is { } after)
        {
            search.SearchAfter = [FieldValue.Double(after.Score), FieldValue.Long(after.ChargeId)];
        }
        else if (request.Offset > 0)
        {
            search.From = request.Offset;
        }
        if (request.Limit > 0 && request.Highlight && request.Query.Clauses.Count > 0)
        {
            search.Highlight = new Highlight
            {
                PreTags = ["<mark>"],
                PostTags = ["</mark>"],
                Encoder = HighlighterEncoder.Html,
                Fields = new Dictionary<Field, HighlightField>
                {
                    // The whole description (one fragment of it all); marks come from clauses on any field, so
                    // prefixes on the unstemmed words mark the description too.
                    [ElasticChargeIndex.Description] = new HighlightField { NumberOfFragments = 0, RequireFieldMatch = false },
                },
            };
        }
        if (request.Facets.Count > 0)
        {
            var aggregations = new Dictionary<string, Aggregation>();
            foreach (var facet in request.Facets)
            {
                var field = ElasticChargeIndex.FacetField(facet);
                aggregations[FacetName(facet)] = new TermsAggregation { Field = field, Size = FacetSize };
                // Hits without a value: their own bucket, counted by a missing aggregation beside the terms.
                aggregations[FacetName(facet) + MissingSuffix] = new MissingAggregation { Field = field };
            }
            search.Aggregations = aggregations;
        }
        if (request.Limit > 0 && request.Query.Clauses.Count > 0)
        {
            // "Did you mean": asked for with every search that has words, read only when nothing matched
            // (one round trip instead of two); only words the index lacks get options.
            search.Suggest = new Suggester
            {
                Text = SuggestText(request.Query),
                Suggesters = new Dictionary<string, FieldSuggester>
                {
                    [SuggesterName] = new FieldSuggester
                    {
                        Term = new TermSuggester
                        {
                            Field = ElasticChargeIndex.Words,
                            SuggestMode = SuggestMode.Missing,
                            MaxEdits = 2,
                            PrefixLength = 0,
                            MinWordLength = 3,
                            Size = 1,
                            Sort = SuggestSort.Frequency,
                        },
                    },
                },
            };
        }
        return search;
    }

    /// <summary>Our clauses as Elasticsearch queries: each clause must match; filters go to <c>bool.filter</c> (no scoring).</summary>
    public static Query BuildQuery(ChargeQuery parsed, ChargeSearchFilter filter)
    {
        var must = new List<Query>();
        if (!parsed.MatchesAll)
        {
            if (parsed.Clauses.Count == 0)
            {
                // Text made only of symbols or emoji has no words: it matches nothing rather than everything.
                return new MatchNoneQuery();
            }
            must.AddRange(parsed.Clauses.Select(ClauseQuery));
        }
        var filters = BuildFilters(filter);
        if (must.Count == 0 && filters.Count == 0)
        {
            return new MatchAllQuery();
        }
        return new BoolQuery
        {
            Must = must.Count > 0 ? must : null,
            Filter = filters.Count > 0 ? filters : null,
        };
    }

    private static Query ClauseQuery(QueryClause clause) => clause.Kind switch
    {
        // Words with digits (codes, statute numbers) are matched exactly: one digit off is another offense.
        QueryClauseKind.Word when ChargeQuery.TypoEdits(clause.Text) == 0 && clause.Text.Any(char.IsDigit) => new MultiMatchQuery
        {
            Query = clause.Text,
            Fields = Fields.FromStrings([ElasticChargeIndex.Description + "^2", ElasticChargeIndex.Codes]),
            Type = TextQueryType.CrossFields,
            Operator = Operator.And,
        },
        // The words in the (stemmed) description or in the NCIC code and category, each word in either field;
        // or, with typos tolerated (AUTO: 0 edits up to 2 characters, 1 up to 5, else 2), in either.
        QueryClauseKind.Word => new BoolQuery
        {
            Should =
            [
                new MultiMatchQuery
                {
                    Query = clause.Text,
                    Fields = Fields.FromStrings([ElasticChargeIndex.Description + "^2", ElasticChargeIndex.Codes]),
                    Type = TextQueryType.CrossFields,
                    Operator = Operator.And,
                },
                new MultiMatchQuery
                {
                    Query = clause.Text,
                    Fields = Fields.FromStrings([ElasticChargeIndex.Description, ElasticChargeIndex.Codes]),
                    Type = TextQueryType.BestFields,
                    Operator = Operator.And,
                    Fuzziness = new Fuzziness("AUTO"),
                    PrefixLength = 0,
                    MaxExpansions = 50,
                },
            ],
            MinimumShouldMatch = 1,
        },
        QueryClauseKind.Phrase => new BoolQuery
        {
            Should =
            [
                new MatchPhraseQuery { Field = ElasticChargeIndex.Description, Query = clause.Text },
                new MatchPhraseQuery { Field = ElasticChargeIndex.Codes, Query = clause.Text },
            ],
            MinimumShouldMatch = 1,
        },
        // Search-as-you-type: the earlier words whole, the last one a prefix, on the unstemmed words ("drivin*"
        // finds "driving") or on the stemmed text and the codes (synonyms, "540*").
        QueryClauseKind.Prefix => new BoolQuery
        {
            Should =
            [
                new MatchBoolPrefixQuery { Field = ElasticChargeIndex.Words, Query = clause.Text, Operator = Operator.And },
                new MatchBoolPrefixQuery { Field = ElasticChargeIndex.Description, Query = clause.Text, Operator = Operator.And },
                new MatchBoolPrefixQuery { Field = ElasticChargeIndex.Codes, Query = clause.Text, Operator = Operator.And },
            ],
            MinimumShouldMatch = 1,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(clause)),
    };

    private static List<Query> BuildFilters(ChargeSearchFilter filter)
    {
        var filters = new List<Query>();
        AnyOf(filters, ElasticChargeIndex.State, filter.States?.Select(s => s.ToUpperInvariant()));
        AnyOf(filters, ElasticChargeIndex.JurisdictionId, filter.JurisdictionIds?.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        AnyOf(filters, ElasticChargeIndex.Outcome, filter.Outcomes?.Select(o => o.ToString()));
        AnyOf(filters, ElasticChargeIndex.DetainerType, filter.DetainerTypes?.Select(t => t.ToString()));
        AnyOf(filters, ElasticChargeIndex.Citizenship, filter.Citizenships);
        AnyOf(filters, ElasticChargeIndex.Status, filter.Statuses?.Select(s => s.ToString()));
        AnyOf(filters, ElasticChargeIndex.Category, filter.Categories);
        AnyOf(filters, ElasticChargeIndex.SourceKind, filter.SourceKinds?.Select(k => k.ToString()));
        AnyOf(filters, ElasticChargeIndex.Week, filter.WeekStarts?.Select(w => w.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (filter.WeekFrom is not null || filter.WeekTo is not null)
        {
            filters.Add(new DateRangeQuery(ElasticChargeIndex.Week)
            {
                // The bounds are sent as instants; the field itself keeps plain dates.
                Format = "strict_date_optional_time",
                Gte = filter.WeekFrom is { } from ? DateMath.Anchored(from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)) : null,
                Lte = filter.WeekTo is { } to ? DateMath.Anchored(to.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)) : null,
            });
        }
        return filters;
    }

    private static void AnyOf(List<Query> filters, string field, IEnumerable<string>? values)
    {
        var list = values?.Distinct(StringComparer.Ordinal).ToList();
        if (list is { Count: > 0 })
        {
            filters.Add(new TermsQuery(field, new TermsQueryField([.. list.Select(FieldValue.String)])));
        }
        else if (list is not null)
        {
            // No value allowed: nothing matches.
            filters.Add(new MatchNoneQuery());
        }
    }

    /// <summary>The words of each clause, space-separated, in order (the suggester analyzes them like the <c>words</c> field).</summary>
    private static string SuggestText(ChargeQuery query) => string.Join(' ', query.Clauses.Select(c => c.Text));

    // ---- Responses ----

    private static ChargeSearchResult ReadResult(ChargeSearchRequest request, SearchResponse<ElasticChargeDocument> response)
    {
        var hits = new List<ChargeSearchHit>();
        foreach (var hit in response.Hits)
        {
            var source = hit.Source;
            if (source is null)
            {
                continue;
            }
            var highlight = hit.Highlight is { } h && h.TryGetValue(ElasticChargeIndex.Description, out var fragments) && fragments.Count > 0
                ? fragments.First()
                : WebUtility.HtmlEncode(source.Description);
            hits.Add(new ChargeSearchHit(source.ChargeId, source.DetainerId, (float)(hit.Score ?? 0), highlight));
        }
        var total = (int)response.Total;
        var facets = request.Facets.Select(f => new FacetResult(f, ReadFacet(f, response.Aggregations))).ToList();
        var suggestion = total == 0 && request.Query.Clauses.Count > 0 ? ReadSuggestion(request.Query, response.Suggest) : null;
        return new ChargeSearchResult(total, hits, facets, suggestion);
    }

    private static List<FacetBucket> ReadFacet(SearchFacet facet, AggregateDictionary? aggregations)
    {
        var buckets = new List<FacetBucket>();
        if (aggregations is null)
        {
            return buckets;
        }
        var name = FacetName(facet);
        if (aggregations.GetStringTerms(name) is { } strings)
        {
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

    /// <summary>Each clause rebuilt with its unknown words replaced by the suggester's best option; null when nothing changed.</summary>
    private static string? ReadSuggestion(ChargeQuery query, SuggestDictionary<ElasticChargeDocument>? suggest)
    {
        var entries = suggest?.GetTerm(SuggesterName)?.ToList();
        if (entries is null || entries.Count == 0)
        {
            return null;
        }
        var changed = false;
        var parts = new List<string>();
        var start = 0;
        foreach (var clause in query.Clauses)
        {
            var end = start + clause.Text.Length;
            var words = entries.Where(e => e.Offset >= start && e.Offset < end).Select(e =>
            {
                if (e.Options.FirstOrDefault() is { } option)
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
                QueryClauseKind.Phrase => $"\"{text}\"",
                QueryClauseKind.Prefix => text + "*",
                _ => text,
            });
        }
        return changed ? string.Join(' ', parts) : null;
    }

    // ---- Errors ----

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch bulk refused {Count} items; first: HTTP {Status} {Type}: {Reason}")]
    private static partial void LogBulkFailed(ILogger logger, int count, int status, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index rebuilt: {Count} documents in {Index}, alias {Alias} moved to it")]
    private static partial void LogRebuilt(ILogger logger, int count, string index, string alias);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the old search indices {Indices}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string indices, string reason);
}
