using System.Collections.Concurrent;
using GraphQL;
using GraphQL.DI;
using GraphQL.Validation;
using GraphQL.Validation.Rules.Custom;
using GraphQLParser.AST;
using GraphQLParser.Visitors;
using Microsoft.Extensions.Caching.Memory;

namespace DetainerGraph.Api;

/// <summary>
/// Keeps parsed and validated documents by query text, so a repeated query skips parsing and the
/// validation rules that do not depend on variables. Rules that do (the complexity analyzer reads
/// <c>first</c>/<c>last</c>) are registered for cached documents too and still run.
/// The cache is bounded by an estimate of its memory (<c>GraphQL:DocumentCacheBytes</c>), not by text length: a
/// parsed document costs far more than its text (measured: about 25 bytes per character of
/// <c>a1: __typename</c> aliases), so each entry weighs its text (UTF-16, which the syntax tree slices) plus
/// <see cref="BytesPerNode"/> per syntax-tree node, and for the parsed arguments kept for operations without variables,
/// <see cref="BytesPerArgument"/> per argument and <see cref="BytesPerValue"/> per value (each item of a list counts).
/// </summary>
public sealed class DocumentCache(GraphQLServerOptions serverOptions) : IConfigureExecution, IDisposable
{
    /// <summary>Average managed size of one syntax-tree node with its name, location and list slot.</summary>
    public const long BytesPerNode = 120;

    /// <summary>
    /// What an argument adds once parsed: an operation without variables keeps its parsed arguments with the document
    /// (<see cref="Entry"/>), a dictionary and a value per field with arguments.
    /// </summary>
    public const long BytesPerArgument = 200;

    /// <summary>
    /// What each literal value adds once parsed, beyond its argument: a converted string or boxed scalar and its list
    /// slot, or an input object's dictionary entry. Counted per value, so a literal list of thousands of values weighs
    /// what its parsed copy holds, not one argument's worth.
    /// </summary>
    public const long BytesPerValue = 48;

    // Its own cache, sized in estimated bytes, so no other cache user competes for its budget.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = serverOptions.DocumentCacheBytes, TrackStatistics = true });

    /// <summary>How many documents are cached now.</summary>
    public int Count => _cache.Count;

    /// <summary>The estimated memory of the cached documents, in bytes: never above <c>GraphQL:DocumentCacheBytes</c>.</summary>
    public long EstimatedBytes => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

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
        if (_cache.TryGetValue(key, out Entry? entry) && entry is not null)
        {
            options.Document = entry.Document;
            // The rules that still have work for a validated document, and always the complexity analyzer: the price of
            // a cached document (and the tokens it takes) is computed on every request, with that request's arguments
            // (CachedDocumentValidator).
            options.ValidationRules = new CachedDocumentRules(CachedRules(options.CachedDocumentValidationRules), Complexity(options), entry);
            return await next(options);
        }
        var result = await next(options);
        // Only documents that passed validation are kept: an invalid one must be reported every time.
        if (result.Executed && result.Document is not null)
        {
            var size = await EstimateBytesAsync(options.Query, result.Document);
            // One document may take a sixteenth of the budget at most: a few huge ones must not evict every other.
            if (size <= serverOptions.DocumentCacheBytes / 16)
            {
                _cache.Set(key, new Entry(result.Document), new MemoryCacheEntryOptions { Size = size, SlidingExpiration = TimeSpan.FromHours(1) });
            }
        }
        return result;
    }

    // The analyzer is the server's singleton: found once, not looked for among every rule on each request.
    private ComplexityValidationRule? _complexity;

    /// <summary>The rules registered for cached documents that can report anything (the complexity analyzer runs apart).</summary>
    private static IValidationRule[] CachedRules(IEnumerable<IValidationRule>? rules) =>
        [.. (rules ?? []).Where(rule => rule is not IntrospectionSwitch { Refuses: false } and not ComplexityValidationRule)];

    private ComplexityValidationRule? Complexity(ExecutionOptions options) =>
        _complexity ??= (options.CachedDocumentValidationRules ?? []).OfType<ComplexityValidationRule>().FirstOrDefault()
            ?? (options.ValidationRules ?? []).OfType<ComplexityValidationRule>().FirstOrDefault();

    /// <summary>The estimated managed memory a cached document holds: its text and its syntax tree.</summary>
    public static async ValueTask<long> EstimateBytesAsync(string query, GraphQLDocument document)
    {
        var counter = new NodeCounter();
        await counter.VisitAsync(document, counter);
        return 64 + (2L * query.Length) + (BytesPerNode * counter.Nodes) + (BytesPerArgument * counter.Arguments) + (BytesPerValue * counter.Values);
    }

    private sealed class NodeCounter : ASTVisitor<NodeCounter>, IASTVisitorContext
    {
        public long Nodes { get; private set; }

        public long Arguments { get; private set; }

        public long Values { get; private set; }

        public CancellationToken CancellationToken => CancellationToken.None;

        public override ValueTask VisitAsync(ASTNode? node, NodeCounter context)
        {
            if (node is not null)
            {
                Nodes++;
                if (node is GraphQLArgument)
                {
                    Arguments++;
                }
                else if (node is GraphQLValue)
                {
                    Values++;
                }
            }
            return base.VisitAsync(node, context);
        }
    }

    private sealed record CacheKey(string Query);

    /// <summary>
    /// A cached document, and for each of its operations that declares no variables, the result of parsing its
    /// arguments (the same on every request; see <see cref="CachedDocumentValidator"/>).
    /// </summary>
    public sealed class Entry(GraphQLDocument document)
    {
        public GraphQLDocument Document { get; } = document;

        internal ConcurrentDictionary<GraphQLOperationDefinition, IValidationResult> Arguments { get; } = new(ReferenceEqualityComparer.Instance);
    }
}
