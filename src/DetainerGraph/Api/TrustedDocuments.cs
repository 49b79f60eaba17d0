using System.Security.Cryptography;
using System.Text;
using GraphQL.PersistedDocuments;

namespace DetainerGraph.Api;

/// <summary>
/// The trusted documents of <c>GraphQL:TrustedDocuments:Directory</c>: every <c>*.graphql</c> file there,
/// known by <c>sha256:</c> and the hex SHA-256 of its UTF-8 text. Read once at start.
/// </summary>
public sealed class TrustedDocumentStore : IPersistedDocumentLoader
{
    private readonly Dictionary<string, string> _byHash = new(StringComparer.OrdinalIgnoreCase);

    public TrustedDocumentStore(GraphQLServerOptions options)
    {
        if (options.TrustedDocuments.Directory is { Length: > 0 } directory && System.IO.Directory.Exists(directory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.graphql"))
            {
                var text = File.ReadAllText(file);
                _byHash[HashOf(text)] = text;
            }
        }
    }

    public int Count => _byHash.Count;

    public static string HashOf(string query) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)));

    /// <summary>The text of a <c>sha256:&lt;hex&gt;</c> document ID, or null when it names no trusted document.</summary>
    public string? Find(string documentId) =>
        documentId.StartsWith("sha256:", StringComparison.Ordinal) ? _byHash.GetValueOrDefault(documentId["sha256:".Length..]) : null;

    public ValueTask<string?> GetQueryAsync(string? documentIdPrefix, string documentIdPayload, CancellationToken cancellationToken) =>
        ValueTask.FromResult(documentIdPrefix == "sha256" ? _byHash.GetValueOrDefault(documentIdPayload) : null);
}
