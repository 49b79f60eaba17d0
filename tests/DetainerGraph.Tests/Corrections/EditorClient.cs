using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DetainerGraph.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DetainerGraph.Tests.Corrections;

/// <summary>An app that accepts editors' tokens, its fixture data, and requests sent with a bearer token.</summary>
public static class EditorClient
{
    public const string SigningKey = "test-signing-key-for-corrections-0123456789";

    private static readonly string[] EditorRoles = [EditorTokens.EditorRole];

    public static TestApp NewApp(IReadOnlyDictionary<string, string?>? more = null, string? storageDirectory = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:Issuer"] = "test-issuer",
            ["Auth:Audience"] = "test-audience",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return new TestApp(settings: settings, storageDirectory: storageDirectory);
    }

    /// <summary>Section I with ICE's correction, Section II rows (Travis County) and detainers with charges.</summary>
    public static async Task ImportFixtureAsync(TestApp app)
    {
        await app.ImportAsync("reports.csv", SampleRows.Reports);
        await app.ImportAsync("section1.csv", SampleRows.SectionOne);
        await app.ImportAsync("corrections.csv", SampleRows.Corrections);
        await app.ImportAsync("section2.csv", SampleRows.SectionTwo);
        await app.ImportAsync("detainers.csv", SampleRows.Detainers);
    }

    /// <summary>A token the app accepts: its key, issuer and audience.</summary>
    public static string Token(TestApp app, string name = "alice", string role = EditorTokens.EditorRole) =>
        app.Services.GetRequiredService<EditorTokens>().Mint(name, [role], TimeSpan.FromHours(1));

    /// <summary>A token signed with <paramref name="key"/>, for the ways a token can be wrong.</summary>
    public static string ForeignToken(string key, string issuer = "test-issuer", string audience = "test-audience", DateTime? notBefore = null, TimeSpan? lifetime = null)
    {
        var start = notBefore ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = start,
            NotBefore = start,
            Expires = start + (lifetime ?? TimeSpan.FromHours(1)),
            Claims = new Dictionary<string, object> { ["name"] = "mallory", ["role"] = EditorRoles },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>POSTs a GraphQL request with an optional bearer token and returns the parsed body.</summary>
    public static async Task<JsonElement> PostAsync(this TestApp app, string query, object? variables, string? token)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Like <see cref="PostAsync"/>, failing the test on any GraphQL error.</summary>
    public static async Task<JsonElement> EditAsync(this TestApp app, string query, object? variables, string token)
    {
        var result = await app.PostAsync(query, variables, token);
        Assert.False(result.TryGetProperty("errors", out var errors), $"GraphQL errors: {errors}");
        return result.GetProperty("data");
    }

    /// <summary>The codes of the response's errors, in order.</summary>
    public static string[] ErrorCodes(JsonElement result) =>
        result.TryGetProperty("errors", out var errors)
            ? [.. errors.EnumerateArray().Select(e => e.Code()!)]
            : [];
}
