using DetainerGraph.Data;
using DetainerGraph.Search;

namespace DetainerGraph.Operability;

/// <summary>
/// Where the runtime runs a socket's completions (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>). By default
/// .NET hands each one from its epoll thread to the thread pool, and Kestrel then hands the connection's work to the
/// pool again: two thread hops per read and per write. Inline, the epoll thread runs the completion itself, which for
/// Kestrel is only queuing the connection's work (Kestrel still runs requests on the pool; its own inline scheduling
/// stays off). Measured on the 100k store (server CPU per search request, wrk, alternated): 12% less.
/// <para>
/// Only for the embedded stores (SQLite and Lucene), where no request awaits a socket of its own: with SQL Server or
/// Elasticsearch, the code after each database or search reply would run on the epoll thread, and a slow request would
/// hold every connection that thread serves. The runtime reads the variable once, when the first socket starts, so it
/// is set before the server listens; an operator's own value, either way, is left alone.
/// </para>
/// </summary>
public static class SocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Whether to run socket completions inline: embedded stores and no value set by the operator.</summary>
    public static bool ShouldInline(IConfiguration configuration, string? current)
    {
        if (current is not null)
        {
            return false;
        }
        // Unset means the embedded one; a misspelt provider is reported by the store or search setup, not here.
        return Is(configuration["Database:Provider"], nameof(DatabaseProvider.Sqlite))
            && Is(configuration["Search:Provider"], nameof(SearchProvider.Lucene));
    }

    private static bool Is(string? configured, string embedded) =>
        string.IsNullOrEmpty(configured) || configured.Equals(embedded, StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets the variable for this process when <see cref="ShouldInline"/> says so; call before the server starts.</summary>
    public static void Apply(IConfiguration configuration)
    {
        if (ShouldInline(configuration, Environment.GetEnvironmentVariable(Variable)))
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
