using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", body.FirstErrorCode());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"variables":{}}""")]
    [InlineData("""{"query":42}""")]
    public async Task A_malformed_request_is_400_with_a_code(string body)
    {
        var (status, _, response) = await SendAsync(Post(body, accept: "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_REQUEST", response.FirstErrorCode());
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

    [Fact]
    public async Task A_mutation_over_get_is_405_with_allow_post()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { correct }"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task The_sdl_is_served_at_sdl()
    {
        using var client = _app.CreateClient();
        var sdl = await client.GetStringAsync("/graphql?sdl");

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "schema", "schema.graphql")).TrimEnd(), sdl.ReplaceLineEndings("\n").TrimEnd());
    }

    [Fact]
    public async Task A_json_array_is_a_batch_answered_in_order()
    {
        var (status, _, body) = await SendAsync(Post("""[{"query":"{ weeks { totalCount } }"},{"query":"query Q($n: Int) { detainers(first: $n) { totalCount } }","variables":{"n":1}},{"query":"{ nope }"}]"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetArrayLength());
        Assert.Equal(0, body[0].GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
        Assert.Equal(0, body[1].GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.NotEmpty(body[2].GetProperty("errors").EnumerateArray());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"},{\"query\":\"{ weeks { totalCount } }\"}]")]
    public async Task An_empty_or_oversized_batch_is_400(string body)
    {
        var (status, _, response) = await SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BATCH_SIZE_OUT_OF_RANGE", response.FirstErrorCode());
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var huge = "{\"query\":\"{ weeks { totalCount } }\",\"extensions\":{\"pad\":\"" + new string('x', 300 * 1024) + "\"}}";

        var (status, _, body) = await SendAsync(Post(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("REQUEST_TOO_LARGE", body.FirstErrorCode());
    }

    [Fact]
    public async Task A_utf16_body_is_decoded_by_its_charset()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new ByteArrayContent(Encoding.Unicode.GetBytes("""{"query":"{ weeks { totalCount } }"}""")),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-16");

        var (status, _, body) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData(40 * 1024)]
    [InlineData(256 * 1024)]
    public async Task A_body_longer_than_the_read_buffer_is_read_whole_up_to_the_limit(int bytes)
    {
        var head = "{\"query\":\"{ weeks { totalCount } }\",\"extensions\":{\"pad\":\"";
        var body = head + new string('x', bytes - head.Length - 3) + "\"}}";
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));

        var (status, _, response) = await SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, response.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task One_byte_past_the_limit_is_413()
    {
        var head = "{\"query\":\"{ weeks { totalCount } }\",\"extensions\":{\"pad\":\"";
        var body = head + new string('x', (256 * 1024) + 1 - head.Length - 3) + "\"}}";

        var (status, _, response) = await SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("REQUEST_TOO_LARGE", response.FirstErrorCode());
    }

    [Fact]
    public async Task Invalid_utf8_in_a_body_reads_as_replacement_characters_not_as_an_error()
    {
        // Bytes that are not UTF-8 (0xFF, a lone 0xE9) decode to U+FFFD, as they always have: the operation name no
        // longer matches, which GraphQL reports, rather than the body being refused as JSON.
        var bytes = Encoding.UTF8.GetBytes("{\"query\":\"query A { weeks { totalCount } }\",\"operationName\":\"A#\",\"extensions\":{\"note\":\"caf#\"}}")
            .Select(b => b == (byte)'#' ? (byte)0xFF : b).ToArray();
        bytes[Array.LastIndexOf(bytes, (byte)0xFF)] = 0xE9;
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");

        var (status, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        var error = response.GetProperty("errors")[0];
        Assert.NotEqual("INVALID_REQUEST", response.FirstErrorCode());
        Assert.Contains("A\uFFFD", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    public async Task A_body_that_starts_with_a_byte_order_mark_is_read_without_it(string charset)
    {
        // RFC 8259 lets a parser ignore the mark, which some clients write (PowerShell's UTF-8 files, .NET's Encoding.UTF8).
        var encoding = Encoding.GetEncoding(charset);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes("""{"query":"{ weeks { totalCount } }"}""")).ToArray();
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/json; charset={charset}");

        var (status, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, response.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_quoted_charset_is_read_as_the_charset_inside_the_quotes()
    {
        var (status, _, response) = await SendAsync(Post("""{"query":"{ weeks { totalCount } }"}""", "application/json; charset=\"utf-8\""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, response.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task An_unknown_charset_is_415()
    {
        var (status, _, _) = await SendAsync(Post("""{"query":"{ weeks { totalCount } }"}""", "application/json; charset=klingon"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("deflate", true)]
    [InlineData("br", false)]
    [InlineData("identity, gzip", true)]
    [InlineData("x-klingon", false)]
    public async Task A_body_with_a_content_coding_is_415_not_read_as_json(string coding, bool compress)
    {
        // The server decompresses nothing: a compressed body was answered "not valid JSON", and a coding the body did not
        // use was ignored and the body run.
        var json = Encoding.UTF8.GetBytes("""{"query":"{ weeks { totalCount } }"}""");
        var bytes = json;
        if (compress)
        {
            using var buffer = new MemoryStream();
            using (Stream zip = coding.EndsWith("gzip", StringComparison.Ordinal)
                ? new GZipStream(buffer, CompressionLevel.Fastest)
                : new ZLibStream(buffer, CompressionLevel.Fastest))
            {
                zip.Write(json);
            }
            bytes = buffer.ToArray();
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        Assert.True(request.Content.Headers.TryAddWithoutValidation("Content-Encoding", coding));

        var (status, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", response.FirstErrorCode());
        Assert.Contains("Content-Encoding", response.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_identity_content_coding_is_read_as_it_is()
    {
        var request = Post("""{"query":"{ weeks { totalCount } }"}""");
        request.Content!.Headers.ContentEncoding.Add("identity");

        var (status, _, response) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, response.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("""{"query":"{ weeks { totalCount } }","variables":[1]}""")]
    [InlineData("""{"query":"{ weeks { totalCount } }","operationName":7}""")]
    [InlineData("""[1]""")]
    [InlineData("42")]
    public async Task Request_members_of_the_wrong_type_are_400(string body)
    {
        var (status, _, response) = await SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_REQUEST", response.FirstErrorCode());
    }

    [Fact]
    public async Task Variables_that_do_not_coerce_are_400_under_the_modern_type()
    {
        var (status, _, body) = await SendAsync(Post("""{"query":"query($n: Int) { detainers(first: $n) { totalCount } }","variables":{"n":"ten"}}""", accept: "application/graphql-response+json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(body.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task A_partial_error_still_answers_200_with_data()
    {
        var (status, _, body) = await SendAsync(Post("""{"query":"{ weeks { totalCount } detainer(id: \"bad\") { id } }"}""", accept: "application/graphql-response+json"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("data").GetProperty("weeks").GetProperty("totalCount").GetInt32());
        Assert.Equal("INVALID_ID", body.FirstErrorCode());
    }

    [Fact]
    public async Task Deep_and_expensive_queries_are_refused_with_codes()
    {
        // Cheap but deep: every list holds one item, so only the depth limit (12) can refuse it.
        var deep = await _app.QueryAsync("{ detainers(first: 1) { nodes { week { detainers(first: 1) { nodes { week { detainers(first: 1) { nodes { week { detainers(first: 1) { nodes { week { start } } } } } } } } } } } } }");
        var expensive = await _app.QueryAsync("{ a: jurisdictions(first: 100) { nodes { detainers(first: 100) { nodes { charges { description } } } } } }");
        var aliases = await _app.QueryAsync("{ " + string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"a{i}: detainers(first: 100) {{ totalCount nodes {{ id }} }}")) + " }");

        Assert.Equal("COMPLEXITY", deep.FirstErrorCode());
        Assert.Contains("depth", deep.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("COMPLEXITY", expensive.FirstErrorCode());
        Assert.Equal("COMPLEXITY", aliases.FirstErrorCode());
        Assert.False(deep.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task A_repeated_document_is_served_from_the_cache_and_still_validated()
    {
        const string Query = "query($n: Int) { detainers(first: $n) { totalCount } }";
        var cache = _app.Started().GetRequiredService<DetainerGraph.Api.DocumentCache>();

        var first = await _app.QueryAsync(Query, new { n = 5 });
        var again = await _app.QueryAsync(Query, new { n = 6 });
        var tooBig = await _app.QueryAsync(Query, new { n = 500 });

        Assert.True(first.TryGetProperty("data", out _));
        Assert.True(again.TryGetProperty("data", out _));
        Assert.Equal(1, cache.Count);
        Assert.Equal("PAGE_SIZE_OUT_OF_RANGE", tooBig.FirstErrorCode());
    }

    [Fact]
    public async Task The_standard_introspection_query_passes_the_limits_but_a_deeper_one_does_not()
    {
        const string TypeRef = "fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
        var standard = await _app.QueryAsync("""
            query IntrospectionQuery { __schema { queryType { name } types { ...FullType } directives { name locations args { ...InputValue } } } }
            fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } isDeprecated } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name } possibleTypes { ...TypeRef } }
            fragment InputValue on __InputValue { name type { ...TypeRef } defaultValue }
            """ + TypeRef);
        // fields { type { fields { type ... } } } nested 18 deep: past MaxIntrospectionDepth (15).
        string[] path = ["__schema", "types", .. Enumerable.Repeat<string[]>(["fields", "type"], 7).SelectMany(p => p), "fields"];
        var bomb = await _app.QueryAsync("{ " + string.Join(" { ", path) + " { name " + new string('}', path.Length) + " }");

        Assert.False(standard.TryGetProperty("errors", out var errors), errors.ToString());
        Assert.Contains(standard.GetProperty("data").GetProperty("__schema").GetProperty("types").EnumerateArray(), t => t.GetProperty("name").GetString() == "Detainer");
        Assert.Equal("COMPLEXITY", bomb.FirstErrorCode());
    }

    private static string Aliased(string field, int count, string selection) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => $"{field[0]}{i}: {field} {{ {selection} }}"));

    [Theory]
    // 10 aliases of types, each with 10 aliases of fields: the schema's fields 100 times over.
    [InlineData("{ __schema { ALIASED_TYPES } }", 10, 10)]
    // The same through a fragment, and through selections of one name merged (each adds its own aliases).
    [InlineData("{ __schema { ALIASED_TYPES_FRAGMENT } } fragment F on __Type { FIELDS }", 10, 10)]
    [InlineData("{ __schema { MERGED } }", 9, 8)]
    public async Task An_introspection_operation_repeating_the_schema_through_aliases_is_refused(string shape, int outer, int inner)
    {
        var fields = Aliased("fields", inner, "name args { name }");
        var query = shape
            .Replace("ALIASED_TYPES_FRAGMENT", Aliased("types", outer, "name ...F"), StringComparison.Ordinal)
            .Replace("ALIASED_TYPES", Aliased("types", outer, "name " + fields), StringComparison.Ordinal)
            .Replace("FIELDS", fields, StringComparison.Ordinal)
            // outer x "types { fI: fields }": one response name whose merged selections hold inner x outer aliases of fields.
            .Replace("MERGED", string.Join(' ', Enumerable.Range(0, outer).Select(i =>
                "types { " + string.Join(' ', Enumerable.Range(0, inner).Select(j => $"m{i}_{j}: fields {{ name }}")) + " }")), StringComparison.Ordinal);

        var answer = await _app.QueryAsync(query);

        Assert.Equal("COMPLEXITY", answer.FirstErrorCode());
        Assert.False(answer.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object);
    }

    [Fact]
    public async Task Introspection_with_a_few_aliases_is_answered()
    {
        // 8 x 8 = 64, the bound; and types fetched by name side by side.
        var answer = await _app.QueryAsync("{ __schema { " + Aliased("types", 8, "name " + Aliased("fields", 8, "name")) + " } " +
            "a: __type(name: \"Detainer\") { name fields { name } } b: __type(name: \"Charge\") { name fields { name } } }");

        Assert.False(answer.TryGetProperty("errors", out var errors), errors.ToString());
        Assert.Equal("Charge", answer.GetProperty("data").GetProperty("b").GetProperty("name").GetString());
        Assert.Equal(8, answer.GetProperty("data").GetProperty("__schema").EnumerateObject().Count());
    }
}
