using System.Text.Json;

namespace DetainerGraph.Tests;

/// <summary>Reading error codes out of GraphQL responses, the one way every test does it.</summary>
public static class GraphQLErrors
{
    /// <summary>The <c>extensions.code</c> of a response's first error.</summary>
    public static string? FirstErrorCode(this JsonElement body) => body.GetProperty("errors")[0].Code();

    /// <summary>An error's <c>extensions.code</c>.</summary>
    public static string? Code(this JsonElement error) => error.GetProperty("extensions").GetProperty("code").GetString();
}
