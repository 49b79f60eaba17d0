using System.Net;
using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Tests.Infrastructure;
using GraphQL.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// A document served from the cache skips what its first validation already settled, not what depends on the request:
/// its price follows each request's arguments (and is refused over the limit), the client is charged every time, and
/// an operation without variables answers as it did the first time.
/// </summary>
public sealed class CachedDocumentValidationTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private readonly TestApp _app = sample.App;

    /// <summary>Two nested pages sized by variables: the price grows with both.</summary>
    private const string Nested = "query($n: Int, $m: Int) { jurisdictions(first: $n) { nodes { detainers(first: $m) { nodes { charges { description } } } } } }";

    private static async Task<(int Status, JsonElement Body)> PostAsync(TestApp app, object request, string? costMode = "report", string address = "10.0.0.1")
    {
        var context = await app.Server.SendAsync(http =>
        {
            http.Request.Method = HttpMethods.Post;
            http.Request.Path = "/graphql";
            http.Request.ContentType = "application/json";
            http.Request.Body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(request));
            http.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (costMode is not null)
            {
                http.Request.Headers[RequestCost.Header] = costMode;
            }
        });
        var text = await new StreamReader(context.Response.Body, Encoding.UTF8).ReadToEndAsync();
        return (context.Response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static double Requested(JsonElement body) => body.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble();

    [Fact]
    public void The_server_validates_through_the_cached_document_validator()
    {
        Assert.IsType<CachedDocumentValidator>(_app.Started().GetRequiredService<IDocumentValidator>());
    }

    [Fact]
    public async Task A_cached_document_is_priced_with_each_requests_variables_and_refused_over_the_limit()
    {
        // A text of its own, so that the first request below is the one that validates it in full and caches it.
        var query = Nested + " # " + Guid.NewGuid().ToString("N");
        var cache = _app.Started().GetRequiredService<DocumentCache>();
        var (_, first) = await PostAsync(_app, new { query, variables = new { n = 2, m = 2 } });
        var cachedAfterFirst = cache.Count;
        var (_, again) = await PostAsync(_app, new { query, variables = new { n = 2, m = 2 } });
        var (_, larger) = await PostAsync(_app, new { query, variables = new { n = 3, m = 4 } });
        // The same question in a text the cache has never seen: priced by the full validation.
        var (_, largerUncached) = await PostAsync(_app, new { query = query + " ", variables = new { n = 3, m = 4 } });
        var (status, tooCostly) = await PostAsync(_app, new { query, variables = new { n = 100, m = 100 } });
        var (_, smallAgain) = await PostAsync(_app, new { query, variables = new { n = 2, m = 2 } });

        Assert.True(cachedAfterFirst > 0);
        Assert.True(first.TryGetProperty("data", out _), first.ToString());
        Assert.Equal(Requested(first), Requested(again));
        Assert.True(Requested(larger) > Requested(again), $"{Requested(larger)} after {Requested(again)}");
        Assert.Equal(Requested(largerUncached), Requested(larger));
        Assert.Equal(JsonSerializer.Serialize(largerUncached.GetProperty("data")), JsonSerializer.Serialize(larger.GetProperty("data")));

        Assert.Equal(200, status);
        Assert.Equal("COMPLEXITY", tooCostly.FirstErrorCode());
        Assert.False(tooCostly.TryGetProperty("data", out _), tooCostly.ToString());
        Assert.True(Requested(tooCostly) > 50_000, tooCostly.ToString());
        Assert.Equal(Requested(first), Requested(smallAgain));
        Assert.True(smallAgain.TryGetProperty("data", out _), smallAgain.ToString());
    }

    [Fact]
    public async Task A_cached_document_without_variables_answers_and_is_priced_as_the_first_time()
    {
        var query = "{ a: detainers(first: 3, order: [{ issuedOn: DESC }], where: { outcome: { neq: LIFTED } }) { totalCount nodes { id issuedOn charges { description } } } "
            + "b: weeks(first: 2) @skip(if: true) { totalCount } c: weeks(first: 2) @include(if: true) { nodes { start } } } # " + Guid.NewGuid().ToString("N");

        var answers = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await PostAsync(_app, new { query });
            Assert.Equal(200, status);
            answers.Add(body);
        }
        var (_, validated) = await PostAsync(_app, new { query }, "validate");

        Assert.All(answers, a => Assert.False(a.TryGetProperty("errors", out _), a.ToString()));
        Assert.Equal(3, answers[0].GetProperty("data").GetProperty("a").GetProperty("nodes").GetArrayLength());
        Assert.False(answers[0].GetProperty("data").TryGetProperty("b", out _));
        Assert.All(answers, a => Assert.Equal(JsonSerializer.Serialize(answers[0].GetProperty("data")), JsonSerializer.Serialize(a.GetProperty("data"))));
        Assert.All(answers, a => Assert.Equal(Requested(answers[0]), Requested(a)));
        Assert.True(Requested(answers[0]) > 0);
        Assert.Equal(Requested(answers[0]), Requested(validated));
        Assert.False(validated.TryGetProperty("data", out _), validated.ToString());
    }

    [Fact]
    public async Task The_operations_of_one_cached_document_are_validated_each_with_its_own_arguments()
    {
        var query = "query A { weeks(first: 1) { nodes { start } } } query B($n: Int) { weeks(first: $n) { nodes { start } } } # " + Guid.NewGuid().ToString("N");

        var (_, a1) = await PostAsync(_app, new { query, operationName = "A" });
        var (_, b2) = await PostAsync(_app, new { query, operationName = "B", variables = new { n = 2 } });
        var (_, a2) = await PostAsync(_app, new { query, operationName = "A" });
        var (_, b3) = await PostAsync(_app, new { query, operationName = "B", variables = new { n = 3 } });
        var (_, bTooLarge) = await PostAsync(_app, new { query, operationName = "B", variables = new { n = 5000 } });

        Assert.Equal(1, a1.GetProperty("data").GetProperty("weeks").GetProperty("nodes").GetArrayLength());
        Assert.Equal(JsonSerializer.Serialize(a1.GetProperty("data")), JsonSerializer.Serialize(a2.GetProperty("data")));
        Assert.Equal(2, b2.GetProperty("data").GetProperty("weeks").GetProperty("nodes").GetArrayLength());
        Assert.Equal(3, b3.GetProperty("data").GetProperty("weeks").GetProperty("nodes").GetArrayLength());
        Assert.True(Requested(b3) > Requested(b2));
        Assert.NotNull(bTooLarge.FirstErrorCode());
    }

    [Fact]
    public async Task A_documents_estimated_memory_counts_the_arguments_it_may_keep_parsed()
    {
        const string With = "{ weeks(first: 1) { totalCount } }";
        const string Without = "{ weeks { totalCount } }";

        var with = await DocumentCache.EstimateBytesAsync(With, GraphQLParser.Parser.Parse(With));
        var without = await DocumentCache.EstimateBytesAsync(Without, GraphQLParser.Parser.Parse(Without));

        // At least the argument's own nodes (the argument, its name, its value) and its parsed value.
        Assert.True(with - without - (2 * (With.Length - Without.Length)) >= (3 * DocumentCache.BytesPerNode) + DocumentCache.BytesPerArgument, $"{with} against {without}");
    }

    [Fact]
    public async Task A_literal_lists_parsed_copy_is_counted_per_value()
    {
        static string Names(int count) =>
            "{ detainers(first: 1, where: { jurisdiction: { name: { in: [" + string.Join(',', Enumerable.Range(0, count).Select(i => $"\"{i:D4}\"")) + "] } } }) { totalCount } }";
        var one = Names(1);
        var many = Names(1001);

        var small = await DocumentCache.EstimateBytesAsync(one, GraphQLParser.Parser.Parse(one));
        var large = await DocumentCache.EstimateBytesAsync(many, GraphQLParser.Parser.Parse(many));

        // 1,000 more string values: their text, their nodes, and each one's parsed copy.
        Assert.Equal((2L * (many.Length - one.Length)) + (1000 * (DocumentCache.BytesPerNode + DocumentCache.BytesPerValue)), large - small);
    }
}
