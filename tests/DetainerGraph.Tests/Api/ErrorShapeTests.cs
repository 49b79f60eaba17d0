using System.Net.Http.Json;
using DetainerGraph.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.Api;

/// <summary>The error shapes clients see: message, locations, path and extensions.code, and nothing internal.</summary>
public sealed class ErrorShapeTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["GraphQL:ExposeMetrics"] = "false" });

    public void Dispose() => _app.Dispose();

    private async Task<Newtonsoft.Json.Linq.JToken> PostAsync(string query)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", new { query });
        return Newtonsoft.Json.Linq.JToken.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Error_shapes()
    {
        var shapes = new Newtonsoft.Json.Linq.JObject
        {
            ["syntax"] = await PostAsync("{ detainers { "),
            ["unknownField"] = await PostAsync("{ detainers { nodes { nope } } }"),
            ["badEnum"] = await PostAsync("{ detainers(where: { outcome: { eq: MAYBE } }) { totalCount } }"),
            ["pageSize"] = await PostAsync("{ weeks { totalCount } detainers(first: 1000) { totalCount } }"),
            ["wrongIdType"] = await PostAsync("{ detainer(id: \"V2VlazoyMDE3LTAxLTI4\") { id } }"),
        };

        Snapshot.Match(shapes);
        Assert.DoesNotContain("   at ", shapes.ToString(), StringComparison.Ordinal);
    }
}
