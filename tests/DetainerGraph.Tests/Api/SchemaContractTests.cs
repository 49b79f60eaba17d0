using DetainerGraph.Tests.Infrastructure;
using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// schema/schema.graphql is the reviewed contract. It must equal the schema the code builds;
/// <c>UPDATE_SCHEMA=1 dotnet test</c> rewrites it.
/// </summary>
public sealed class SchemaContractTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private ISchema Schema()
    {
        var schema = _app.Started().GetRequiredService<ISchema>();
        schema.Initialize();
        return schema;
    }

    [Fact]
    public void The_committed_sdl_matches_the_code()
    {
        var printed = Schema().Print(new PrintOptions { StringComparison = StringComparison.Ordinal }).ReplaceLineEndings("\n").TrimEnd() + "\n";
        var path = Path.Combine(RepositoryFiles.Root, "schema", "schema.graphql");
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, printed);
        }

        Assert.True(File.Exists(path), "schema/schema.graphql is missing: run UPDATE_SCHEMA=1 dotnet test");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == printed,
            "schema/schema.graphql differs from the schema the code builds: review the change, then run UPDATE_SCHEMA=1 dotnet test");
    }

    [Fact]
    public void Every_type_field_argument_and_enum_value_is_described()
    {
        var missing = new List<string>();
        foreach (var type in Schema().AllTypes.Where(t => !t.Name.StartsWith("__", StringComparison.Ordinal) && t is not ScalarGraphType { Name: "String" or "Int" or "Boolean" or "ID" or "Float" }))
        {
            if (string.IsNullOrWhiteSpace(type.Description))
            {
                missing.Add(type.Name);
            }
            if (type is IComplexGraphType complex)
            {
                foreach (var field in complex.Fields)
                {
                    if (string.IsNullOrWhiteSpace(field.Description))
                    {
                        missing.Add($"{type.Name}.{field.Name}");
                    }
                    missing.AddRange((field.Arguments ?? []).Where(a => string.IsNullOrWhiteSpace(a.Description)).Select(a => $"{type.Name}.{field.Name}({a.Name})"));
                }
            }
            if (type is EnumerationGraphType enumeration)
            {
                missing.AddRange(enumeration.Values.Where(v => string.IsNullOrWhiteSpace(v.Description)).Select(v => $"{type.Name}.{v.Name}"));
            }
        }
        Assert.Empty(missing);
    }
}
