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

    /// <summary>The analysis the fake's engine indexes with: fixed, so request snapshots do not change with every edit of <c>data/</c>.</summary>
    public const string AnalysisFingerprint = "r1-test";

    private static readonly Dictionary<string, IEnumerable<string>> ProductHeader = new() { ["x-elastic-product"] = ["Elasticsearch"] };
    private readonly List<(string Method, string PathPrefix, Func<Canned> Answer)> _routes = [];
    private readonly InMemoryRequestInvoker _default = new(Encoding.UTF8.GetBytes("{}"), 200, null, "application/json", ProductHeader);

    public sealed record Canned(int Status, string Body, Exception? Exception = null);

    public sealed record Recorded(string Method, string PathAndQuery, string Body);

    public List<Recorded> Requests { get; } = [];

    public ResponseFactory ResponseFactory => _default.ResponseFactory;

    /// <summary>
    /// Answers <c>GET /{alias}/_mapping</c> by default as an index built with the fake's own <see cref="AnalysisFingerprint"/>
    /// (a writer asks before its first write into an index it did not make); a test's own route replaces it.
    /// </summary>
    public FakeElasticsearch() => On("GET", "/" + Alias + "/_mapping", 200, MappingAnswer(AnalysisFingerprint));

    /// <summary>Elasticsearch 9's answer to <c>GET /{alias}/_mapping</c>: the index behind the alias, its mapping with <c>_meta</c> naming <paramref name="analysis"/> (none when null).</summary>
    public static string MappingAnswer(string? analysis) =>
        "{\"charges-test-20261128050000\":{\"mappings\":{" + (analysis is null ? "" : "\"_meta\":{\"analysis\":\"" + analysis + "\"},")
        + "\"dynamic\":\"strict\",\"properties\":{\"charge_id\":{\"type\":\"long\"},\"state\":{\"type\":\"keyword\"}}}}}";

    /// <summary>
    /// Answers requests whose method matches and whose path and query start with <paramref name="pathPrefix"/>;
    /// the longest matching prefix wins, then the route added last.
    /// </summary>
    public FakeElasticsearch On(string method, string pathPrefix, int status, string body)
    {
        _routes.Insert(0, (method, pathPrefix, () => new Canned(status, body)));
        return this;
    }

    /// <summary>Answers with what <paramref name="answer"/> returns when the request comes (a test can act then, as a server would).</summary>
    public FakeElasticsearch On(string method, string pathPrefix, Func<Canned> answer)
    {
        _routes.Insert(0, (method, pathPrefix, answer));
        return this;
    }

    /// <summary>Answers in turn, one answer per request, the last one for every request after.</summary>
    public FakeElasticsearch OnSequence(string method, string pathPrefix, params (int Status, string Body)[] answers)
    {
        var next = 0;
        Canned Answer()
        {
            var (status, body) = answers[Math.Min(next++, answers.Length - 1)];
            return new Canned(status, body);
        }
        _routes.Insert(0, (method, pathPrefix, Answer));
        return this;
    }

    /// <summary>The path of the engine's term lookup (which query words the index holds).</summary>
    public const string LookupPath = "/" + Alias + "/_search?request_cache=true";

    /// <summary>
    /// Answers the term lookup as Elasticsearch 9 does for anonymous filters (<c>filters</c> aggregation,
    /// <c>typed_keys</c>, buckets an array in filter order): bucket i holds <paramref name="documentCounts"/>[i]
    /// documents; 0 means the index lacks word i.
    /// </summary>
    public FakeElasticsearch OnLookup(params long[] documentCounts) => On("POST", LookupPath, 200, LookupAnswer(documentCounts));

    public static string LookupAnswer(params long[] documentCounts) =>
        """{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[]},"aggregations":{"filters#known":{"buckets":["""
        + string.Join(',', documentCounts.Select(c => $$"""{"doc_count":{{c}}}"""))
        + "]}}}";

    /// <summary>Every request fails as if the cluster could not be reached.</summary>
    public FakeElasticsearch Unreachable()
    {
        _routes.Clear();
        _routes.Insert(0, ("", "", () => new Canned(0, "", new HttpRequestException("Connection refused (localhost:9200)"))));
        return this;
    }

    public (ElasticChargeSearch Search, ElasticsearchClient Client) Engine(DateTimeOffset? now = null, IReadOnlyList<string>? synonyms = null)
    {
        // Back-off of a millisecond: the retries are real, the waits are not.
        var options = new ElasticsearchOptions { Url = new Uri("http://localhost:9200"), IndexPrefix = Alias, RetryDelay = TimeSpan.FromMilliseconds(1) };
        var settings = options.ClientSettings(this)
            .DisableDirectStreaming()
            .OnRequestCompleted(d => Requests.Add(new Recorded(
                d.HttpMethod.ToString().ToUpperInvariant(), d.Uri!.PathAndQuery, Encoding.UTF8.GetString(d.RequestBodyInBytes ?? []))));
        var client = new ElasticsearchClient(settings);
        var engine = new ElasticChargeSearch(client, options,
            synonyms ?? ElasticChargeIndex.ReadSynonymRules(Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName)),
            new FixedTime(now ?? new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero)), NullLogger<ElasticChargeSearch>.Instance, AnalysisFingerprint);
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
        var parsed = lines.Length > 1 || body.EndsWith('\n') ? new JArray(lines.Select(JToken.Parse)) : JToken.Parse(body);
        // The rebuild lock's owner names this machine and process: the same in every snapshot once replaced.
        if (parsed is JObject lockDocument && lockDocument.ContainsKey("owner") && lockDocument.ContainsKey("expires_at"))
        {
            lockDocument["owner"] = "{machine}/{process id}/{guid}";
        }
        return parsed;
    }

    private InMemoryRequestInvoker Answer(Endpoint endpoint)
    {
        var method = endpoint.Method.ToString().ToUpperInvariant();
        var path = endpoint.Uri.PathAndQuery;
        var route = _routes.Where(r => (r.Method.Length == 0 || r.Method == method) && path.StartsWith(r.PathPrefix, StringComparison.Ordinal))
            .OrderByDescending(r => r.PathPrefix.Length).FirstOrDefault();
        if (route.Answer is null)
        {
            throw new InvalidOperationException($"The fake Elasticsearch has no answer for {method} {path}.");
        }
        var canned = route.Answer();
        return new InMemoryRequestInvoker(Encoding.UTF8.GetBytes(canned.Body), canned.Status, canned.Exception, "application/json", ProductHeader);
    }

    public TResponse Request<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData)
        where TResponse : TransportResponse, new() =>
        Answer(endpoint).Request<TResponse>(endpoint, boundConfiguration, postData);

    /// <remarks>
    /// The request is answered (the route runs, as the server would act on it) before the token is checked: a call
    /// cancelled while in flight throws, as a real one does, though the server may have done what it asked.
    /// </remarks>
    public Task<TResponse> RequestAsync<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData, CancellationToken cancellationToken)
        where TResponse : TransportResponse, new()
    {
        var answer = Answer(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        return answer.RequestAsync<TResponse>(endpoint, boundConfiguration, postData, cancellationToken);
    }

    public void Dispose() => ((IDisposable)_default).Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
