using System.Globalization;
using System.Text.Json.Serialization;
using DetainerGraph.Search.Analysis;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;

namespace DetainerGraph.Search.Elasticsearch;

// The engine's writes: bulk indexing with retries, the rebuild into a new index behind the alias, and the rebuild lock.
public sealed partial class ElasticChargeSearch
{
    // ---- Writes ----

    /// <summary>Bulk writes of 1,000; only the last waits for a refresh (<c>wait_for</c>), so the documents are searchable when the call returns.</summary>
    public async Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }
        await EnsureAliasAsync(ct);
        var chunks = documents.Chunk(BulkBatchSize).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            await BulkAsync(Alias, [.. chunks[i].Select(d => (IBulkOperation)new BulkIndexOperation<ElasticChargeDocument>(ElasticChargeDocument.From(d))
            {
                Id = Id(d.ChargeId),
            })], i == chunks.Count - 1 ? Refresh.WaitFor : Refresh.False, ct);
        }
        // New words may now be known: they must stop being fuzzy here at once (other processes: within a minute).
        _knownTerms.Clear();
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct)
    {
        if (chargeIds.Count == 0)
        {
            return;
        }
        await EnsureAliasAsync(ct);
        var chunks = chargeIds.Chunk(BulkBatchSize).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            await BulkAsync(Alias, [.. chunks[i].Select(id => (IBulkOperation)new BulkDeleteOperation(Id(id)))], i == chunks.Count - 1 ? Refresh.WaitFor : Refresh.False, ct);
        }
        _knownTerms.Clear();
    }

    /// <summary>
    /// One <c>_bulk</c>, tried again with exponential back-off (<see cref="ElasticsearchOptions.RetryDelay"/>, doubled,
    /// <see cref="ElasticsearchOptions.WriteRetries"/> times) when the whole request is refused with 429, 502, 503
    /// or 504 or gets no answer, and for just the items refused with 429. Every operation is keyed by charge id,
    /// so sending one twice is harmless. Any other failed item fails the call, logged with its type and reason.
    /// </summary>
    private async Task BulkAsync(string index, IReadOnlyList<IBulkOperation> operations, Refresh refresh, CancellationToken ct)
    {
        var pending = operations;
        for (var attempt = 0; ; attempt++)
        {
            var request = new BulkRequest(index)
            {
                Operations = [.. pending],
                Refresh = refresh,
                // Writes through the alias must never auto-create a concrete index of that name with a guessed mapping.
                RequireAlias = index == Alias ? true : null,
                RequestConfiguration = _write,
            };
            var response = await _client.BulkAsync(request, ct);
            var status = response.ApiCallDetails.HttpStatusCode;
            if (status != 200)
            {
                if (IsRetryable(status) && attempt < _options.WriteRetries)
                {
                    await BackOffAsync("bulk", status, pending.Count, attempt, ct);
                    continue;
                }
                Check(response, "bulk");
            }
            // HTTP 200: each item has its own outcome. Deleting an unknown id (404 "not_found") is not an error.
            var failed = response.Items.Select((item, position) => (Item: item, Position: position))
                .Where(p => p.Item.Error is not null && !(p.Item.Operation == "delete" && p.Item.Status == 404))
                .ToList();
            if (failed.Count == 0)
            {
                return;
            }
            var refused = failed.Where(p => p.Item.Status == 429).ToList();
            if (refused.Count == failed.Count && attempt < _options.WriteRetries && refused.All(p => p.Position < pending.Count))
            {
                pending = [.. refused.Select(p => pending[p.Position])];
                await BackOffAsync("bulk items", 429, pending.Count, attempt, ct);
                continue;
            }
            var first = failed.FirstOrDefault(p => p.Item.Status != 429) is { Item: not null } other ? other.Item : failed[0].Item;
            LogBulkFailed(_logger, failed.Count, first.Status, first.Error?.Type ?? "", first.Error?.Reason ?? "");
            throw new SearchUnavailableException($"The search engine refused {failed.Count} documents.");
        }
    }

    /// <summary>Worth trying again: no answer (timeout, connection), 429, or a 502/503/504 from the cluster or a proxy.</summary>
    public static bool IsRetryable(int? status) => status is null or 429 or 502 or 503 or 504;

    private async Task BackOffAsync(string operation, int? status, int count, int attempt, CancellationToken ct)
    {
        var delay = _options.RetryDelay * Math.Pow(2, attempt);
        LogRetrying(_logger, operation, status, count, attempt + 1, _options.WriteRetries, delay.TotalSeconds);
        await Task.Delay(delay, _time, ct);
    }

    /// <summary>
    /// Loads a new index and moves the alias to it. Held under a lock document (<see cref="LockIndex"/>) so that
    /// two processes never rebuild at once. Bulks go out without refresh; one refresh ends the load. The swap
    /// removes the alias from every <c>{prefix}-*</c> index, resolved inside the cluster's own update, so the
    /// alias ends on exactly one index whatever another process did meanwhile. Writes that reach the old index
    /// while this runs are replayed afterwards from the outbox (<see cref="SearchOutbox.RebuildAsync"/>).
    /// </summary>
    public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct)
    {
        var held = await AcquireLockAsync(ct);
        try
        {
            await RebuildLockedAsync(documents, held, ct);
        }
        finally
        {
            await ReleaseLockAsync(held);
        }
    }

    private async Task RebuildLockedAsync(IAsyncEnumerable<ChargeDocument> documents, LockHold held, CancellationToken ct)
    {
        var index = $"{_options.IndexPrefix}-{_time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
        await CreateIndexAsync(index, withAlias: false, ct);
        var count = 0;
        List<string> old;
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
                    batch = new List<IBulkOperation>(BulkBatchSize);
                    await RenewLockAsync(held, ct);
                }
            }
            if (batch.Count > 0)
            {
                await BulkAsync(index, batch, Refresh.False, ct);
            }
            Check(await _client.Indices.RefreshAsync(new RefreshRequest(index) { RequestConfiguration = _write }, ct), "refresh");
            old = [.. (await AliasedIndicesAsync(ct)).Where(o => o != index)];
            var actions = new List<IndexUpdateAliasesAction>
            {
                new RemoveAction { Index = _options.IndexPrefix + "-*", Alias = Alias, MustExist = false },
                new AddAction { Index = index, Alias = Alias },
            };
            // One _aliases call: searches see the old index or the new one, never neither, both, or a half-built one.
            // Not cancelled: a call abandoned in flight may still swap, and the catch below would then delete the index
            // the alias has just moved to (a stopped reindex would leave searches with no index at all).
            try
            {
                Check(await _client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest { Actions = actions, RequestConfiguration = _write }, CancellationToken.None), "alias swap");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // No answer or a failed one (a timeout, a 5xx from a node) does not say the cluster did not swap: when the
                // alias names the new index now, the rebuild is done; otherwise the failure stands.
                if (!await AliasNamesAsync(index))
                {
                    throw;
                }
                LogSwapAnswerLost(_logger, index, e.Message);
            }
        }
        catch
        {
            // The new index never got the alias (or the swap failed): drop it and leave searches where they were.
            await _client.Indices.DeleteAsync(new DeleteIndexRequest(index) { RequestConfiguration = _write }, CancellationToken.None);
            throw;
        }
        _aliasKnown = true;
        _knownTerms.Clear();
        LogRebuilt(_logger, count, index, Alias);
        if (old.Count > 0)
        {
            // Deleted at once: a search already running on the old index when it goes can fail once (SEARCH_UNAVAILABLE);
            // keeping it until the next rebuild would double the disk for that long.
            var deleted = await _client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Parse(string.Join(',', old))) { RequestConfiguration = _write }, CancellationToken.None);
            if (!deleted.IsValidResponse)
            {
                LogDeleteFailed(_logger, string.Join(',', old), Describe(deleted));
            }
        }
    }

    /// <summary>Whether the alias names <paramref name="index"/> now; false when that cannot be read either.</summary>
    private async Task<bool> AliasNamesAsync(string index)
    {
        try
        {
            return (await AliasedIndicesAsync(CancellationToken.None)).Contains(index);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The concrete indices the alias points at now (none when it does not exist yet).</summary>
    private async Task<List<string>> AliasedIndicesAsync(CancellationToken ct)
    {
        var response = await _client.Indices.GetAliasAsync(new GetAliasRequest(Names.Parse(Alias)) { RequestConfiguration = _write }, ct);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return [];
        }
        Check(response, "alias lookup");
        return [.. (response.Aliases?.Keys ?? []).Order(StringComparer.Ordinal)];
    }

    // ---- The rebuild lock: a document created with op_type create, so exactly one process holds it ----

    /// <summary>The version of the lock document this process wrote last: only that version may be renewed or deleted.</summary>
    private sealed class LockHold(string owner, long seqNo, long primaryTerm, DateTimeOffset renewedAt)
    {
        public string Owner { get; } = owner;
        public long SeqNo { get; set; } = seqNo;
        public long PrimaryTerm { get; set; } = primaryTerm;
        public DateTimeOffset RenewedAt { get; set; } = renewedAt;
    }

    /// <summary>The lock document: who holds it and until when (epoch milliseconds).</summary>
    public sealed record RebuildLockDocument(
        [property: JsonPropertyName("owner")] string Owner,
        [property: JsonPropertyName("expires_at")] long ExpiresAt);

    private RebuildLockDocument LockDocument(string owner) => new(owner, (_time.GetUtcNow() + LockLifetime).ToUnixTimeMilliseconds());

    private async Task<LockHold> AcquireLockAsync(CancellationToken ct)
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var created = await _client.CreateAsync(new CreateRequest<RebuildLockDocument>(LockDocument(owner), LockIndex, LockId) { RequestConfiguration = _write }, ct);
            if (created.IsValidResponse)
            {
                return new LockHold(owner, created.SeqNo ?? 0, created.PrimaryTerm ?? 0, _time.GetUtcNow());
            }
            if (created.ApiCallDetails.HttpStatusCode != 409)
            {
                Check(created, "rebuild lock");
            }
            // Held: by a live rebuild (refuse), or by one that died (its lock expired: take it over).
            var current = await _client.GetAsync<RebuildLockDocument>(new GetRequest(LockIndex, LockId) { RequestConfiguration = _write }, ct);
            Check(current, "rebuild lock", notFoundIsValid: true);
            if (current.Found && current.Source is { } holder && holder.ExpiresAt > _time.GetUtcNow().ToUnixTimeMilliseconds())
            {
                LogLockHeld(_logger, holder.Owner, DateTimeOffset.FromUnixTimeMilliseconds(holder.ExpiresAt));
                throw new SearchUnavailableException("Another process is rebuilding the search index; try again when it is done.");
            }
            if (current.Found)
            {
                // Only that expired version: if another process took it over meanwhile, this delete fails and the create below too.
                await _client.DeleteAsync(new DeleteRequest(LockIndex, LockId)
                {
                    IfSeqNo = current.SeqNo,
                    IfPrimaryTerm = current.PrimaryTerm,
                    RequestConfiguration = _write,
                }, ct);
            }
        }
        throw new SearchUnavailableException("Another process is rebuilding the search index; try again when it is done.");
    }

    /// <summary>Pushes the lock's expiry forward (at most once a minute); fails the rebuild if the lock was taken over.</summary>
    private async Task RenewLockAsync(LockHold held, CancellationToken ct)
    {
        if (_time.GetUtcNow() - held.RenewedAt < LockRenewal)
        {
            return;
        }
        var renewed = await _client.IndexAsync(new IndexRequest<RebuildLockDocument>(LockDocument(held.Owner), LockIndex, LockId)
        {
            IfSeqNo = held.SeqNo,
            IfPrimaryTerm = held.PrimaryTerm,
            RequestConfiguration = _write,
        }, ct);
        Check(renewed, "rebuild lock renewal");
        held.RenewedAt = _time.GetUtcNow();
        held.SeqNo = renewed.SeqNo ?? held.SeqNo;
        held.PrimaryTerm = renewed.PrimaryTerm ?? held.PrimaryTerm;
    }

    private async Task ReleaseLockAsync(LockHold held)
    {
        var released = await _client.DeleteAsync(new DeleteRequest(LockIndex, LockId)
        {
            IfSeqNo = held.SeqNo,
            IfPrimaryTerm = held.PrimaryTerm,
            RequestConfiguration = _write,
        }, CancellationToken.None);
        if (!released.IsValidResponse)
        {
            LogLockNotReleased(_logger, LockIndex, Describe(released));
        }
    }

    /// <summary>
    /// Before the first write of a fresh cluster: <see cref="BootstrapIndex"/> created with the alias, never an
    /// index auto-created by a write. The name is fixed, so when two processes race, one creates it and the other
    /// gets <c>resource_already_exists_exception</c> and finds the alias there.
    /// </summary>
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
                var made = false;
                if (!await AliasExistsAsync(ct))
                {
                    var created = await _client.Indices.CreateAsync(IndexDefinition(BootstrapIndex, withAlias: true), ct);
                    made = created.IsValidResponse;
                    if (!made && !(created.ElasticsearchServerError?.Error?.Type == "resource_already_exists_exception" && await AliasExistsAsync(ct)))
                    {
                        Check(created, "index creation");
                    }
                }
                if (!made)
                {
                    await MarkMixedIfOtherAnalysisAsync(ct);
                }
                _aliasKnown = true;
            }
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    /// <summary>
    /// Before this process's first write into an index it did not make: when the index names other analysis rules (or
    /// none), its mapping's <c>_meta</c> is set to <c>mixed: OTHER and OURS</c> (<see cref="AnalysisFingerprint.MixedWith"/>),
    /// which no version's fingerprint matches, so the next server to start rebuilds it, whichever version it is.
    /// </summary>
    private async Task MarkMixedIfOtherAnalysisAsync(CancellationToken ct)
    {
        var mapping = await _client.Indices.GetMappingAsync(new GetMappingRequest(Indices.Parse(Alias)) { RequestConfiguration = _write }, ct);
        Check(mapping, "mapping");
        var built = ElasticChargeIndex.BuiltWith(mapping);
        if (AnalysisFingerprint.MixedWith(built, _analysis.Value) is not { } mixed)
        {
            return;
        }
        var meta = new Dictionary<string, object> { [AnalysisFingerprint.Key] = mixed };
        Check(await _client.Indices.PutMappingAsync(new PutMappingRequest(Indices.Parse(Alias)) { Meta = meta, RequestConfiguration = _write }, ct), "mapping update");
        LogMarkedMixed(_logger, built ?? "none", _analysis.Value);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index was built with other analysis rules ({Built}) than this version's ({Ours}): marked mixed, so the next server to start rebuilds it")]
    private static partial void LogMarkedMixed(ILogger logger, string built, string ours);

    private async Task<bool> AliasExistsAsync(CancellationToken ct)
    {
        var exists = await _client.Indices.ExistsAliasAsync(new ExistsAliasRequest(Names.Parse(Alias)) { RequestConfiguration = _write }, ct);
        Check(exists, "alias check", notFoundIsValid: true);
        return exists.ApiCallDetails.HttpStatusCode == 200;
    }

    private CreateIndexRequestDescriptor<ElasticChargeDocument> IndexDefinition(string index, bool withAlias)
    {
        var descriptor = new CreateIndexRequestDescriptor<ElasticChargeDocument>(index);
        ElasticChargeIndex.Define(descriptor, _synonyms, _analysis.Value);
        descriptor.RequestConfiguration(_write);
        if (withAlias)
        {
            descriptor.Aliases(a => a.Add(Alias, new Alias()));
        }
        return descriptor;
    }

    private async Task CreateIndexAsync(string index, bool withAlias, CancellationToken ct) =>
        Check(await _client.Indices.CreateAsync(IndexDefinition(index, withAlias), ct), "index creation");

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch bulk refused {Count} items; first: HTTP {Status} {Type}: {Reason}")]
    private static partial void LogBulkFailed(ILogger logger, int count, int status, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Elasticsearch {Operation} refused (HTTP {Status}) for {Count} documents; retry {Attempt} of {Retries} in {Seconds} s")]
    private static partial void LogRetrying(ILogger logger, string operation, int? status, int count, int attempt, int retries, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A rebuild of the search index is already running ({Owner}, lock until {Until})")]
    private static partial void LogLockHeld(ILogger logger, string owner, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the rebuild lock in {Index}: {Reason}")]
    private static partial void LogLockNotReleased(ILogger logger, string index, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index rebuilt: {Count} documents in {Index}, alias {Alias} moved to it")]
    private static partial void LogRebuilt(ILogger logger, int count, string index, string alias);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alias swap to {Index} failed ({Reason}), but the alias names it: the swap was applied")]
    private static partial void LogSwapAnswerLost(ILogger logger, string index, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the old search indices {Indices}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string indices, string reason);
}
