using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

public sealed class HttpEndpointTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var client = _app.CreateClient();
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), JsonDocument.Parse(text).RootElement.Clone());
    }

    private static HttpRequestMessage Post(string body, string? contentType = "application/json", string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        return request;
    }

    [Fact]
    public async Task A_json_post_executes_and_answers_legacy_json_by_default()
    {
        var (status, type, body) = await SendAsync(Post("""{"query":"{ detainers { totalCount } }"}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json; charset=utf-8", type);
        Assert.Equal(0, body.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_get_with_query_and_variables_executes()
    {
        var url = "/graphql?query=" + Uri.EscapeDataString("query($n: Int) { weeks(first: $n) { totalCount } }")
            + "&variables=" + Uri.EscapeDataString("""{"n":5}""");

        var (status, _, body) = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_post_that_is_not_json_is_415(string? contentType)
    {
        var (status, _, body) = await SendAsync(Post("""{"query":"{ weeks { totalCount } }"}""", contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"variables":{}}""")]
    [InlineData("""{"query":42}""")]
    public async Task A_malformed_request_is_400_with_a_code(string body)
    {
        var (status, _, response) = await SendAsync(Post(body, accept: "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_REQUEST", response.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.False(response.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task An_invalid_document_is_400_without_data_under_the_graphql_response_type()
    {
        var (status, type, body) = await SendAsync(Post("""{"query":"{ detainers { noSuchField } }"}""", accept: "application/graphql-response+json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/graphql-response+json; charset=utf-8", type);
        Assert.False(body.TryGetProperty("data", out _));
        Assert.NotEmpty(body.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task An_invalid_document_is_200_under_legacy_json()
    {
        var (status, _, body) = await SendAsync(Post("""{"query":"{ detainers { noSuchField } }"}""", accept: "application/json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Nothing_acceptable_is_406()
    {
        var (status, _, _) = await SendAsync(Post("""{"query":"{ weeks { totalCount } }"}""", accept: "text/html"));

        Assert.Equal(HttpStatusCode.NotAcceptable, status);
    }
}
