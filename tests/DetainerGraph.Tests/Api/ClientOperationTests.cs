using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// clients/operations holds the operations real front ends send (a county map, a jurisdiction page, a trend chart,
/// a search box with facets, the count behind a CSV link). Each runs over HTTP against the sample data with the
/// variables in clients/operations/variables.json, and must validate and answer without an error. The schema it
/// runs against is the one SchemaContractTests holds equal to schema/schema.graphql, so a breaking change to the
/// contract fails here as a broken client operation.
/// </summary>
public sealed partial class ClientOperationTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private static readonly string Folder = Path.Combine(RepositoryFiles.Root, "clients", "operations");

    public static TheoryData<string, string> Operations()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(Folder, "*.graphql").Order(StringComparer.Ordinal))
        {
            foreach (Match match in OperationName().Matches(File.ReadAllText(file)))
            {
                data.Add(Path.GetFileName(file), match.Groups[1].Value);
            }
        }
        return data;
    }

    [Fact]
    public void The_folder_holds_the_operations_front_ends_reach_for()
    {
        var files = Directory.GetFiles(Folder, "*.graphql").Select(Path.GetFileName).ToList();
        Assert.Superset(new HashSet<string?> { "county-map.graphql", "jurisdiction-page.graphql", "trend-chart.graphql", "search-box.graphql", "csv-link.graphql" }, files.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Each_client_operation_validates_and_answers_without_errors(string file, string operation)
    {
        var variables = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "variables.json"))).RootElement;
        using var client = sample.App.CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", new
        {
            query = File.ReadAllText(Path.Combine(Folder, file)),
            operationName = operation,
            variables = variables.TryGetProperty(operation, out var v) ? v : default(JsonElement?),
        });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.False(body.TryGetProperty("errors", out var errors), $"{file} {operation}: {errors}");
        var data = body.GetProperty("data");
        Assert.All(data.EnumerateObject(), root => Assert.NotEqual(JsonValueKind.Null, root.Value.ValueKind));
    }

    [GeneratedRegex(@"^(?:query|mutation)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex OperationName();
}
