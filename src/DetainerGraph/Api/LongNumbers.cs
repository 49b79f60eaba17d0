using System.Runtime.InteropServices;
using System.Text.Json;

namespace DetainerGraph.Api;

/// <summary>
/// The longest number a request may write: in the JSON of its <c>variables</c> and <c>extensions</c> (a POST body, a
/// GET's parameters, an export's URL) and as a literal in its document (<see cref="DocumentLiterals"/>). No input of
/// the schema takes more than an <c>Int</c> (11 characters) or a number written for an <c>ID</c>, and a double needs at
/// most 24 characters, so the bound refuses nothing a client means.
/// </summary>
/// <remarks>
/// Why there is a bound: GraphQL.NET reads an integer too large for a <c>decimal</c> as a <c>BigInteger</c>, and
/// turning one into text costs time in the square of its digits. A number given where it does not fit (a String, a
/// Date, a Boolean, a filter's text) is formatted into the error message, and again each time the message's buffer
/// grows: one 250,000-digit number kept a core busy for 35 s as a String variable and 75 s in a <c>where</c>, past the
/// execution timeout, which does not interrupt variable coercion. An ID takes it as text: 2.5 s.
/// </remarks>
public static class LongNumbers
{
    public const int MaxLength = 100;

    /// <summary>The length of the first number in <paramref name="value"/> (at any depth) longer than <see cref="MaxLength"/>, or null.</summary>
    public static int? FirstTooLong(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                // The number's own UTF-8 text, as the request wrote it (ASCII: one byte a character), without copying it.
                var length = JsonMarshal.GetRawUtf8Value(value).Length;
                return length > MaxLength ? length : null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (FirstTooLong(property.Value) is { } inObject)
                    {
                        return inObject;
                    }
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (FirstTooLong(item) is { } inArray)
                    {
                        return inArray;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>Why a request is refused for a number of <paramref name="length"/> characters in <paramref name="where"/>.</summary>
    public static string Problem(string where, int length) =>
        $"{where} holds a number {length:N0} characters long; a number may be at most {MaxLength} characters (no input of this API takes a longer one).";
}
