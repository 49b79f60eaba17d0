using System.Security.Cryptography;
using System.Text;
using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;
using Microsoft.Extensions.Caching.Memory;

namespace DetainerGraph.Api;

/// <summary>
/// Automatic persisted queries as Apollo Client's persisted-query link and HotChocolate speak them: a request whose
/// <c>extensions.persistedQuery</c> is <c>{ version: 1, sha256Hash }</c> may leave out the query. A hash the server
/// has not seen is answered <c>PersistedQueryNotFound</c> (code <c>PERSISTED_QUERY_NOT_FOUND</c>); the client then
/// sends the full text with the hash, which is checked (<c>PERSISTED_QUERY_HASH_MISMATCH</c>) and, once the document
/// validates, kept. The store is bounded by bytes of query text and evicts the least recently used. Unlike trusted
/// documents (<see cref="TrustedDocumentStore"/>), which an operator installs, any client can register a query this
/// way; with <c>GraphQL:TrustedDocuments:OnlyTrusted</c> the resolved text is still refused as not trusted.
/// </summary>
public sealed class AutomaticPersistedQueries(GraphQLServerOptions serverOptions) : IConfigureExecution, IDisposable
{
    public const string NotFoundCode = "PERSISTED_QUERY_NOT_FOUND";
    public const string NotFoundMessage = "PersistedQueryNotFound";
    public const string HashMismatchCode = "PERSISTED_QUERY_HASH_MISMATCH";
    public const string NotSupportedCode = "PERSISTED_QUERY_NOT_SUPPORTED";

    private readonly MemoryCache _store = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, serverOptions.PersistedQueryBytes) });

    // Before trusted documents (200) turn a documentId into a query and before the document cache.
    public float SortOrder => 150;

    public int Count => _store.Count;

    public void Dispose() => _store.Dispose();

    /// <summary>Whether a request carries an APQ hash, so that the HTTP layer lets it through without a query.</summary>
    public static bool IsPersistedQuery(Inputs? extensions) => extensions?.TryGetValue("persistedQuery", out var value) == true && value is IDictionary<string, object?>;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Extensions?.TryGetValue("persistedQuery", out var value) != true || value is not IDictionary<string, object?> persisted)
        {
            return await next(options);
        }
        // Any other value (another number, a string, an object) is the client's mistake, never a conversion failure.
        if (persisted.TryGetValue("version", out var version) && version is not null
            && version is not (1 or 1L or 1.0 or 1m) && !(version is System.Numerics.BigInteger big && big.IsOne))
        {
            return Fail(NotSupportedCode, "Only version 1 of automatic persisted queries is supported.");
        }
        if (!persisted.TryGetValue("sha256Hash", out var hashValue) || hashValue is not string { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
        {
            return Fail(NotSupportedCode, "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits.");
        }
        hash = hash.ToLowerInvariant();
        if (options.Query is null)
        {
            if (!_store.TryGetValue(hash, out string? query) || query is null)
            {
                return Fail(NotFoundCode, NotFoundMessage);
            }
            options.Query = query;
            return await next(options);
        }
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.Query)));
        if (actual != hash)
        {
            return Fail(HashMismatchCode, $"The query's SHA-256 is {actual}, not the {hash} sent with it.");
        }
        var text = options.Query;
        var result = await next(options);
        // Only documents that validated are kept (an invalid one must fail, and be reported, every time), and only
        // queries: a hash alone may come over GET, which must never run a mutation.
        if (result.Executed && result.Operation?.Operation == OperationType.Query)
        {
            _store.Set(hash, text, new MemoryCacheEntryOptions { Size = Encoding.UTF8.GetByteCount(text), SlidingExpiration = TimeSpan.FromDays(1) });
        }
        return result;
    }

    private static ExecutionResult Fail(string code, string message) =>
        new() { Executed = false, Errors = [new ExecutionError(message) { Code = code }] };
}
