namespace DetainerGraph.Api;

/// <summary>The <c>GraphQL</c> configuration section: transport limits, execution limits, caching.</summary>
public sealed class GraphQLServerOptions
{
    /// <summary>Largest request body accepted, in bytes; larger requests get 413.</summary>
    public long MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>Whether a JSON array of requests is accepted, and how many it may hold.</summary>
    public bool EnableBatching { get; set; } = true;
    public int MaxBatchSize { get; set; } = 10;

    /// <summary>Deepest field nesting allowed.</summary>
    public int MaxDepth { get; set; } = 12;

    /// <summary>Deepest nesting of an operation that asks only for the schema (<c>__schema</c>, <c>__type</c>), which is exempt from the complexity limit.</summary>
    public int MaxIntrospectionDepth { get; set; } = 15;

    /// <summary>
    /// Largest complexity allowed, from GraphQL.NET's analyzer: fields cost 1 and a connection multiplies its
    /// selection by its page size. A page of 100 detainers with jurisdiction, facility, week, charges and
    /// source measures about 5,600; alias and fragment bombs multiply past the limit.
    /// </summary>
    public int MaxComplexity { get; set; } = 50_000;

    /// <summary>
    /// Operations that read a table row by row (a filter or sort no index serves, a count grouped by a dimension no rollup
    /// holds) running at once, for all clients together; more wait (<see cref="MaxQueuedScans"/>), then 503
    /// <c>SERVER_BUSY</c>. 0: the processor count, at least 2.
    /// </summary>
    public int MaxConcurrentScans { get; set; }

    /// <summary>Such operations that may wait for a slot (oldest first, within the execution timeout); -1: 8 per slot.</summary>
    public int MaxQueuedScans { get; set; } = -1;

    /// <summary>Execution stops past it with a <c>TIMEOUT</c> error, cancelling its database work.</summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether clients may read the schema (<c>__schema</c>, <c>__type</c>, <c>?sdl</c>); the IDE needs it and is off without it.</summary>
    public bool EnableIntrospection { get; set; } = true;

    /// <summary>Estimated memory (bytes) of the parsed documents cached: their text plus their syntax trees (see <see cref="DocumentCache"/>).</summary>
    public long DocumentCacheBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Total UTF-8 bytes of query text kept for automatic persisted queries.</summary>
    public long PersistedQueryBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Adds <c>extensions.metrics</c> (SQL statements, milliseconds) to each response.</summary>
    public bool ExposeMetrics { get; set; }

    public TrustedDocumentOptions TrustedDocuments { get; set; } = new();
}

/// <summary>Trusted (persisted) documents: <c>{"documentId": "sha256:&lt;hex&gt;"}</c> instead of a query text.</summary>
public sealed class TrustedDocumentOptions
{
    /// <summary>A folder of <c>*.graphql</c> files; each is known by the SHA-256 of its text.</summary>
    public string? Directory { get; set; }

    /// <summary>Refuse query texts: only the known documents may run.</summary>
    public bool OnlyTrusted { get; set; }
}
