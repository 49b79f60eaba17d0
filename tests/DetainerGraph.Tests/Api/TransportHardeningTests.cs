using System.Net;
using System.Text;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// Charsets and log text (security review 2026-11-29, findings 9 and 11): an unsupported charset is 415, never a
/// 500; client text reaches the log escaped, so it cannot forge a log record.
/// </summary>
public sealed class TransportHardeningTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    public static TheoryData<string> RefusedCharsets() =>
        ["utf-7", "UTF-7", "unicode-1-1-utf-7", "csUnicode11UTF7", "x-unicode2-0-utf-7", "x-unknown", "utf-8x", "\"\"", "*"];

    [Theory]
    [MemberData(nameof(RefusedCharsets))]
    public async Task A_charset_the_server_does_not_read_is_415_never_500(string charset)
    {
        using var client = _app.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"query":"{ __typename }"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");

        using var response = await client.PostAsync(new Uri("/graphql", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("UNSUPPORTED_MEDIA_TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_charset_of_the_runtime_gets_an_answer_below_500()
    {
        using var client = _app.CreateClient();
        foreach (var name in Encoding.GetEncodings().Select(e => e.Name).Append("utf-7").Distinct())
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"query":"{ __typename }"}"""));
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={name}");
            using var response = await client.PostAsync(new Uri("/graphql", UriKind.Relative), content);
            Assert.True((int)response.StatusCode < 500, $"charset={name}: HTTP {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Control_characters_in_operationName_are_escaped_in_the_request_log()
    {
        var logs = new LogCapture();
        using var host = _app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = host.CreateClient();
        const string Forged = "x\ninfo: DetainerGraph.Audit[7001]\r\n      Audit: alice correctDetainer FORGED\u001b[2J\u2028\u202e";
        var body = System.Text.Json.JsonSerializer.Serialize(new { query = "{ __typename }", operationName = Forged });

        using var response = await client.PostAsync(new Uri("/graphql", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(logs.Lines, l => l.Message.Contains("FORGED", StringComparison.Ordinal));
        Assert.DoesNotContain(line.Message, c => char.IsControl(c) || c is '\u2028' or '\u202e');
        Assert.Contains("x\\u000Ainfo: DetainerGraph.Audit[7001]\\u000D\\u000A", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => l.Level >= LogLevel.Error);
    }

    public static TheoryData<string, string> DuplicateMembers() => new()
    {
        { "POST", """{"query":"query($s: String) { detainers(first: 1, where: { citizenship: { eq: $s } }) { totalCount } }","variables":{"s":"a","s":null}}""" },
        { "POST", """{"query":"query($w: DetainerFilterInput) { detainers(first: 1, where: $w) { totalCount } }","variables":{"w":{"citizenship":{"eq":"a","eq":"b"}}}}""" },
        { "POST", """{"query":"{ __typename }","extensions":{"a":1,"a":2}}""" },
        { "POST", """[{"query":"{ __typename }"},{"query":"{ __typename }","variables":{"a":1,"a":1}}]""" },
        { "GET", "variables=" + Uri.EscapeDataString("""{"s":1,"s":2}""") },
        { "GET", "extensions=" + Uri.EscapeDataString("""{"a":{"b":1,"b":1}}""") },
    };

    [Theory]
    [MemberData(nameof(DuplicateMembers))]
    public async Task A_member_named_twice_in_variables_or_extensions_is_a_400_never_a_500(string method, string request)
    {
        // JSON parses an object that names a member twice; GraphQL.NET's reader of variables throws ArgumentException,
        // which reached the endpoint's last resort on main: 500 INTERNAL_SERVER_ERROR and a stack trace at Error.
        using var client = _app.CreateClient();
        using var response = method == "GET"
            ? await client.GetAsync(new Uri("/graphql?query=" + Uri.EscapeDataString("query($s: Int) { __typename }") + "&" + request, UriKind.Relative))
            : await client.PostAsync(new Uri("/graphql", UriKind.Relative), new StringContent(request, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("errors")[0];
        Assert.Equal("INVALID_REQUEST", error.Code());
        Assert.Contains("names the same member twice", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}

