using GraphQL;
using GraphQL.DI;
using GraphQL.Validation.Rules.Custom;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;

namespace DetainerGraph.Api;

/// <summary>
/// Keeps parsed and validated documents by query text, so a repeated query skips parsing and the
/// validation rules that do not depend on variables. Rules that do (the complexity analyzer reads
/// <c>first</c>/<c>last</c>) are registered for cached documents too and still run.
/// </summary>
public sealed class DocumentCache(GraphQLServerOptions serverOptions) : IConfigureExecution, IDisposable
{
    // Its own cache, sized in characters of query text, so no other cache user competes for its budget.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = serverOptions.DocumentCacheChars });

    /// <summary>How many documents are cached now.</summary>
    public int Count => _cache.Count;

    public void Dispose() => _cache.Dispose();

    // Before execution starts, after persisted documents have turned a documentId into a query.
    public float SortOrder => 200;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Document is not null || options.Query is null)
        {
            return await next(options);
        }
        var key = new CacheKey(options.Query);
        if (_cache.TryGetValue(key, out GraphQLDocument? document) && document is not null)
        {
            options.Document = document;
            // The rules that depend on variables, and always the complexity analyzer: the price of a cached
            // document (and the tokens it takes) is computed on every request, with that request's variables.
            var cached = (options.CachedDocumentValidationRules ?? []).ToList();
            if (!cached.OfType<ComplexityValidationRule>().Any())
            {
                cached.AddRange((options.ValidationRules ?? []).OfType<ComplexityValidationRule>());
            }
            options.ValidationRules = cached;
            return await next(options);
        }
        var result = await next(options);
        // Only documents that passed validation are kept: an invalid one must be reported every time.
        if (result.Executed && result.Document is not null)
        {
            _cache.Set(key, result.Document, new MemoryCacheEntryOptions { Size = options.Query.Length, SlidingExpiration = TimeSpan.FromHours(1) });
        }
        return result;
    }

    private sealed record CacheKey(string Query);
}
