using System.Buffers;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using GraphQL;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace DetainerGraph.Api;

/// <summary>
/// Reading: GET parameters, or a POST body (its content type and charset, its size, one request object or a batch),
/// into <see cref="GraphQLRequest"/>s, or into the <see cref="RequestError"/> that says why not.
/// </summary>
public sealed partial class GraphQLHttpEndpoint
{
    private ParsedRequest ReadGet(HttpRequest request)
    {
        var query = request.Query;
        string? Param(string name) => query[name].FirstOrDefault() is { Length: > 0 } value ? value : null;
        // A repeated parameter would otherwise be read as its first value and the rest dropped: what a cache or a proxy
        // in front reads as the request (often the last value) need not be what runs.
        foreach (var name in (string[])["query", "operationName", "documentId", "variables", "extensions"])
        {
            if (query[name].Count > 1)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST",
                    $"`{name}` is given {query[name].Count} times; give each GraphQL parameter once.");
            }
        }

        var graphQLRequest = new GraphQLRequest { Query = Param("query"), OperationName = Param("operationName"), DocumentId = Param("documentId") };
        foreach (var name in (string[])["variables", "extensions"])
        {
            if (Param(name) is not { } json)
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException e)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"`{name}` is not valid JSON: {e.Message}");
            }
            Inputs? inputs;
            using (document)
            {
                var root = document.RootElement;
                // JSON null is no variables (or extensions), as it is in a POST body; any other value that is not an object
                // is refused by name.
                if (root.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST",
                        $"`{name}` must be a JSON object (or null for none); it is {JsonKindName(root.ValueKind)}.");
                }
                if (TryReadInputs(name, root, out inputs) is { } problem)
                {
                    return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", problem);
                }
            }
            graphQLRequest = name == "variables" ? Copy(graphQLRequest, variables: inputs) : Copy(graphQLRequest, extensions: inputs);
        }
        if (!HasDocument(graphQLRequest.Query, graphQLRequest.DocumentId, graphQLRequest.Extensions))
        {
            return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "The request has no `query` parameter.");
        }
        // A trusted document is judged by its text, like a query: a mutation never runs over GET.
        if (DocumentText(request.HttpContext, graphQLRequest.Query, graphQLRequest.DocumentId) is { } text && IsMutation(text, graphQLRequest.OperationName))
        {
            return ParsedRequest.Fail(StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED", "Mutations must be sent with POST.");
        }
        return new ParsedRequest(graphQLRequest, null, null);
    }

    private async Task<ParsedRequest> ReadPostAsync(HttpContext http)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase))
        {
            return ParsedRequest.Fail(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "POST a JSON body with Content-Type: application/json.");
        }
        if (UnreadContentCoding(request) is { } coding)
        {
            return ParsedRequest.Fail(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                $"The body's Content-Encoding '{coding}' is not supported; send the body uncompressed.");
        }
        Encoding encoding;
        try
        {
            // A parameter value may be quoted (charset="utf-8"): the name is what is inside the quotes.
            encoding = contentType.Charset.HasValue ? Encoding.GetEncoding(HeaderUtilities.RemoveQuotes(contentType.Charset).Value!) : Encoding.UTF8;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // Unknown names are ArgumentException; known but refused ones (utf-7) NotSupportedException.
            return ParsedRequest.Fail(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                $"The charset '{contentType.Charset}' is not supported; send UTF-8.");
        }
        if (request.ContentLength > options.MaxRequestBytes)
        {
            return TooLarge();
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        // The body in a pooled buffer (returned when the parsed document is done with it): no per-request buffers.
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = 0;
            try
            {
                int read;
                while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted)) > 0)
                {
                    length += read;
                    if (length > options.MaxRequestBytes)
                    {
                        return TooLarge();
                    }
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge();
            }

            JsonDocument document;
            try
            {
                document = ParseBody(buffer.AsMemory(0, length), encoding);
            }
            catch (Exception e) when (e is JsonException or DecoderFallbackException)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"The body is not valid JSON: {e.Message}");
            }
            using (document)
            {
                return ReadBody(document.RootElement);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The first content coding of the body other than <c>identity</c>, or null. The server decompresses nothing (a small
    /// gzip body can expand past any size limit), and a compressed body read as it is was answered as JSON that does not
    /// parse ("'0x1F' is an invalid start of a value"), or, with a coding the body did not use, run: RFC 9110 answers a
    /// content coding the server does not accept with 415.
    /// </summary>
    private static string? UnreadContentCoding(HttpRequest request)
    {
        foreach (var value in request.Headers.ContentEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return coding;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The body as JSON. Well-formed UTF-8 (nearly every request) is parsed as it is; any other body is decoded to text
    /// first (another charset, or UTF-8 with invalid bytes, which decoding replaces with U+FFFD). A byte-order mark before
    /// the JSON, which some clients write and RFC 8259 lets a parser ignore, is not part of it.
    /// </summary>
    private static JsonDocument ParseBody(ReadOnlyMemory<byte> body, Encoding encoding)
    {
        if (encoding.CodePage == Encoding.UTF8.CodePage)
        {
            if (body.Span.StartsWith(Utf8Bom))
            {
                body = body[Utf8Bom.Length..];
            }
            if (Utf8.IsValid(body.Span))
            {
                return JsonDocument.Parse(body);
            }
        }
        var text = encoding.GetString(body.Span);
        return JsonDocument.Parse(text.StartsWith('\uFEFF') ? text.AsMemory(1) : text.AsMemory());
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>One request object, or an array of them when batching is on.</summary>
    private ParsedRequest ReadBody(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            return ToRequest(root, out var single) is { } problem
                ? ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", problem)
                : new ParsedRequest(single, null, null);
        }
        if (root.ValueKind != JsonValueKind.Array)
        {
            return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "The body must be a JSON object (or an array of them for a batch).");
        }
        if (!options.EnableBatching)
        {
            return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "BATCHING_DISABLED", "Batched requests are turned off on this server.");
        }
        var count = root.GetArrayLength();
        if (count == 0 || count > options.MaxBatchSize)
        {
            return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "BATCH_SIZE_OUT_OF_RANGE",
                $"A batch holds 1 to {options.MaxBatchSize} requests; this one holds {count}.");
        }
        var batch = new List<GraphQLRequest>(count);
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (ToRequest(item, out var one) is { } problem)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"Batch item {index}: {problem}");
            }
            batch.Add(one);
            index++;
        }
        return new ParsedRequest(null, batch, null);
    }

    /// <summary>Checks the shape of one request object; returns the problem, or null with the request.</summary>
    private string? ToRequest(JsonElement element, out GraphQLRequest request)
    {
        try
        {
            return ReadRequest(element, out request);
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or FormatException)
        {
            // Well-formed JSON can still hold text no string can (an escaped lone surrogate). The exception's own message
            // names .NET types ("could not be converted to GraphQL.Inputs"), so it is not passed on.
            request = new GraphQLRequest();
            return $"a member could not be read: {UnreadableMember}";
        }
        catch (ArgumentException)
        {
            request = new GraphQLRequest();
            return $"`variables` or `extensions`: {DuplicateMember}";
        }
    }

    /// <summary>Why a request member could not be read when the JSON parsed but its text or values cannot be read.</summary>
    private const string UnreadableMember =
        "it holds a string that is not text (an escaped lone surrogate such as \\ud800, half of a UTF-16 pair) or a value GraphQL cannot read.";

    /// <summary>
    /// Reads a GET's <c>variables</c> or <c>extensions</c> object; returns the problem (a member named twice, a string
    /// that is not text), or null with the inputs.
    /// </summary>
    private string? TryReadInputs(string name, JsonElement value, out Inputs? inputs)
    {
        inputs = null;
        if (LongNumbers.FirstTooLong(value) is { } length)
        {
            return LongNumbers.Problem($"`{name}`", length);
        }
        try
        {
            inputs = ReadInputs(value);
            return null;
        }
        catch (ArgumentException)
        {
            return $"`{name}`: {DuplicateMember}";
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or FormatException)
        {
            return $"`{name}` could not be read: {UnreadableMember}";
        }
    }

    private static string JsonKindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "not an object",
    };

    /// <summary>
    /// Why <c>variables</c> or <c>extensions</c> could not be read when the reader throws <see cref="ArgumentException"/>:
    /// an object that names a member twice, which JSON parses and GraphQL.NET's reader refuses (it was a 500). The member is
    /// not quoted: it is client text of any length.
    /// </summary>
    internal const string DuplicateMember = "an object names the same member twice; each member of a JSON object must have its own name.";

    private string? ReadRequest(JsonElement element, out GraphQLRequest request)
    {
        request = new GraphQLRequest();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "a request must be a JSON object.";
        }
        string? query = null, operationName = null, documentId = null;
        Inputs? variables = null, extensions = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            switch (property.Name)
            {
                case "query" or "operationName" or "documentId" when value.ValueKind != JsonValueKind.String:
                    return $"`{property.Name}` must be a string.";
                case "query":
                    query = value.GetString();
                    break;
                case "operationName":
                    operationName = value.GetString();
                    break;
                case "documentId":
                    documentId = value.GetString();
                    break;
                case "variables" or "extensions" when value.ValueKind != JsonValueKind.Object:
                    return $"`{property.Name}` must be a JSON object.";
                case "variables" or "extensions" when LongNumbers.FirstTooLong(value) is { } length:
                    return LongNumbers.Problem($"`{property.Name}`", length);
                case "variables":
                    variables = ReadInputs(value);
                    break;
                case "extensions":
                    extensions = ReadInputs(value);
                    break;
                default:
                    // Unknown members are ignored, as the specification requires.
                    break;
            }
        }
        if (!HasDocument(query, documentId, extensions))
        {
            return "the request has no `query` string.";
        }
        request = new GraphQLRequest { Query = query, OperationName = operationName, DocumentId = documentId, Variables = variables, Extensions = extensions };
        return null;
    }

    /// <summary>
    /// <c>variables</c> or <c>extensions</c>, read from the JSON already parsed (once: the element is converted,
    /// not printed and parsed again).
    /// </summary>
    private Inputs? ReadInputs(JsonElement value) => serializer.ReadNode<Inputs>(value);

    private static GraphQLRequest Copy(GraphQLRequest r, Inputs? variables = null, Inputs? extensions = null) => new()
    {
        Query = r.Query,
        OperationName = r.OperationName,
        DocumentId = r.DocumentId,
        Variables = variables ?? r.Variables,
        Extensions = extensions ?? r.Extensions,
    };

    private ParsedRequest TooLarge() =>
        ParsedRequest.Fail(StatusCodes.Status413PayloadTooLarge, "REQUEST_TOO_LARGE", $"The request body is larger than {options.MaxRequestBytes} bytes.");

    private sealed record RequestError(int Status, string Code, string Message);

    private sealed record ParsedRequest(GraphQLRequest? Single, List<GraphQLRequest>? Batch, RequestError? Error)
    {
        public static ParsedRequest Fail(int status, string code, string message) => new(null, null, new RequestError(status, code, message));
    }
}
