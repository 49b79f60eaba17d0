using System.Text;
using DetainerGraph.Search;
using DetainerGraph.Search.Elasticsearch;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;

namespace DetainerGraph.Tests.Search.Elasticsearch;

/// <summary>
/// An Elasticsearch 9 that answers from canned bodies, by method and path, through the transport's
/// <see cref="InMemoryRequestInvoker"/>, and records every request the client sends. Every answer carries
/// <c>x-elastic-product: Elasticsearch</c>: without it the 9.x client refuses the response.
/// </summary>
public sealed class FakeElasticsearch : IRequestInvoker
{
    public const string Alias = "charges-test";

    private static readonly Dictionary<string, IEnumerable<string>> ProductHeader = new() { ["x-elastic-product"] = ["Elasticsearch"] };
    private readonly List<(string Method, string PathPrefix, Func<Canned> Answer)> _routes = [];
    private readonly InMemoryRequestInvoker _default = new(Encoding.UTF8.GetBytes("{}"), 200, null, "application/json", ProductHeader);

    public sealed record Canned(int Status, string Body, Exception? Exception = null);

    public sealed record Recorded(string Method, string PathAndQuery, string Body);

    public List<Recorded> Requests { get; } = [];

    public ResponseFactory ResponseFactory => _default.ResponseFactory;

    /// <summary>Answers requests whose method matches and whose path starts with <paramref name="pathPrefix"/>; later routes win.</summary>
    public FakeElasticsearch On(string method, string pathPrefix, int status, string body)
    {
        _routes.Insert(0, (method, pathPrefix, () => new Canned(status, body)));
        return this;
    }

    /// <summary>Every request fails as if the cluster could not be reached.</summary>
    public FakeElasticsearch Unreachable()
    {
        _routes.Insert(0, ("", "", () => new Canned(0, "", new HttpRequestException("Connection refused (localhost:9200)"))));
        return this;
    }

    public (ElasticChargeSearch Search, ElasticsearchClient Client) Engine(DateTimeOffset? now = null, IReadOnlyList<string>? synonyms = null)
    {
        var options = new ElasticsearchOptions { Url = new Uri("http://localhost:9200"), IndexPrefix = Alias };
        var settings = options.ClientSettings(this)
            .DisableDirectStreaming()
            .OnRequestCompleted(d => Requests.Add(new Recorded(
                d.HttpMethod.ToString().ToUpperInvariant(), d.Uri!.PathAndQuery, Encoding.UTF8.GetString(d.RequestBodyInBytes ?? []))));
        var client = new ElasticsearchClient(settings);
        var engine = new ElasticChargeSearch(client, options,
            synonyms ?? ElasticChargeIndex.ReadSynonymRules(Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName)),
            new FixedTime(now ?? new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero)), NullLogger<ElasticChargeSearch>.Instance);
        return (engine, client);
    }

    /// <summary>The recorded requests as JSON for a snapshot: bodies parsed (NDJSON bulk bodies as arrays of lines).</summary>
    public JArray Snapshot() => [.. Requests.Select(r => new JObject
    {
        ["request"] = $"{r.Method} {r.PathAndQuery}",
        ["body"] = ParseBody(r.Body),
    })];

    private static JToken? ParseBody(string body)
    {
        if (body.Length == 0)
        {
            return null;
        }
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length > 1 || body.EndsWith('\n') ? new JArray(lines.Select(JToken.Parse)) : JToken.Parse(body);
    }

    private InMemoryRequestInvoker Answer(Endpoint endpoint)
    {
        var method = endpoint.Method.ToString().ToUpperInvariant();
        var path = endpoint.Uri.AbsolutePath;
        foreach (var (m, prefix, answer) in _routes)
        {
            if ((m.Length == 0 || m == method) && path.StartsWith(prefix, StringComparison.Ordinal))
            {
                var canned = answer();
                return new InMemoryRequestInvoker(Encoding.UTF8.GetBytes(canned.Body), canned.Status, canned.Exception, "application/json", ProductHeader);
            }
        }
        throw new InvalidOperationException($"The fake Elasticsearch has no answer for {method} {path}.");
    }

    public TResponse Request<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData)
        where TResponse : TransportResponse, new() =>
        Answer(endpoint).Request<TResponse>(endpoint, boundConfiguration, postData);

    public Task<TResponse> RequestAsync<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData, CancellationToken cancellationToken)
        where TResponse : TransportResponse, new() =>
        Answer(endpoint).RequestAsync<TResponse>(endpoint, boundConfiguration, postData, cancellationToken);

    public void Dispose() => ((IDisposable)_default).Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
