using System.Text.Json;
using System.Text.RegularExpressions;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// Every <c>```graphql</c> block of README.md runs against the shipped sample data without an error: queries as
/// they are, mutations with an editor's token. A newcomer's first paste must work.
/// </summary>
public sealed partial class ReadmeExamplesTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new(loadSampleData: true, settings: new Dictionary<string, string?>
    {
        ["Auth:SigningKey"] = EditorClient.SigningKey,
        ["Auth:Issuer"] = "test-issuer",
        ["Auth:Audience"] = "test-audience",
    });

    public Task InitializeAsync()
    {
        _app.Started();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    /// <summary>The README's GraphQL blocks, each with the line it starts on.</summary>
    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        foreach (var (line, _) in ReadBlocks())
        {
            data.Add(line);
        }
        return data;
    }

    private static List<(int Line, string Text)> ReadBlocks()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "README.md"));
        var blocks = new List<(int, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```graphql")
            {
                continue;
            }
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.True(end > i, $"README.md line {i + 1}: a ```graphql block without its end");
            blocks.Add((i + 1, string.Join('\n', lines[(i + 1)..end])));
            i = end;
        }
        return blocks;
    }

    [Fact]
    public void The_readme_has_graphql_examples_to_run() => Assert.True(ReadBlocks().Count >= 4, "the README's examples are found");

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task The_readme_example_runs_against_the_sample_data_without_errors(int line)
    {
        var text = ReadBlocks().Single(b => b.Line == line).Text;
        JsonElement result;
        if (Mutation().IsMatch(text))
        {
            result = await _app.PostAsync(text, null, EditorClient.Token(_app));
        }
        else
        {
            result = await _app.QueryAsync(text);
        }

        Assert.False(result.TryGetProperty("errors", out var errors), $"README.md line {line}: {errors}");
        Assert.NotEqual(JsonValueKind.Null, result.GetProperty("data").ValueKind);
        // Not an empty answer either: every example's first field returns something.
        var first = result.GetProperty("data").EnumerateObject().First().Value;
        Assert.NotEqual(JsonValueKind.Null, first.ValueKind);
    }

    [GeneratedRegex(@"^\s*mutation\b")]
    private static partial Regex Mutation();
}
