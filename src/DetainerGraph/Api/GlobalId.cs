using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;
using GraphQL;

namespace DetainerGraph.Api;

/// <summary>
/// Opaque, type-safe object IDs: "Detainer:42" in URL-safe base64. Clients treat them as strings; the
/// server refuses an ID of one type where another is expected.
/// </summary>
public static class GlobalId
{
    public static string Encode(string typeName, string key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{typeName}:{key}"));

    public static string Encode(string typeName, long key) =>
        Encode(typeName, key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static bool TryDecode(string id, out string typeName, out string key)
    {
        typeName = key = "";
        if (id.Length > 200 || !Base64Url.IsValid(id))
        {
            return false;
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(id));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }
        typeName = text[..colon];
        key = text[(colon + 1)..];
        return true;
    }

    /// <summary>The key of <paramref name="id"/>, which must name a <paramref name="typeName"/>; a coded error otherwise.</summary>
    public static string RequireKey(string id, string typeName)
    {
        if (!TryDecode(id, out var actualType, out var key))
        {
            throw NotAnId(id);
        }
        if (actualType != typeName)
        {
            throw new ExecutionError($"{ClientText.Quote(id)} is the ID of a {actualType}, not of a {typeName}.") { Code = "ID_TYPE_MISMATCH" };
        }
        return key;
    }

    /// <summary>
    /// How every ID argument, <c>node</c>/<c>nodes</c> and every mutation read an ID, as a HotChocolate client expects:
    /// a string that is not an ID of the expected type (including one whose key cannot exist, made by hand) is an
    /// error; the well-formed ID of nothing is not. Said in the schema wherever an ID is taken.
    /// </summary>
    public const string Rule = "A string that is not such an ID, including one whose key the server never makes, is an INVALID_ID error (ID_TYPE_MISMATCH for the ID of another type); the ID of nothing is not an error.";

    /// <summary><see cref="Rule"/> where an ID of any type is taken.</summary>
    public const string AnyTypeRule = "A string that is not a DetainerGraph ID, including one whose key the server never makes, is an INVALID_ID error.";

    /// <summary>
    /// The numeric key of <paramref name="id"/>, for the types keyed by a number: an ID of the right type whose key
    /// is not a number of <typeparamref name="T"/> (made by hand, since the server never makes one) is not an ID.
    /// </summary>
    public static T RequireNumber<T>(string id, string typeName)
        where T : IBinaryInteger<T> =>
        IsNumber<T>(RequireKey(id, typeName), out var number) ? number : throw NotAnId(id);

    /// <summary>
    /// Whether <paramref name="key"/> is the key of a numbered type as the server writes it: ASCII digits, without
    /// leading zeros. The runtime's parser alone also takes <c>007</c> and trailing NUL characters (<c>1\0</c>), keys the
    /// server never writes: <c>node</c> found nothing under them while <c>detainer(id:)</c> answered detainer 7.
    /// </summary>
    public static bool IsNumber<T>(string key, out T number)
        where T : IBinaryInteger<T>
    {
        number = T.Zero;
        return key.Length > 0 && (key.Length == 1 || key[0] != '0') && key.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
            && T.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out number!);
    }

    /// <summary>Whether <paramref name="key"/> is the key of a week as the server writes it: its Saturday, YYYY-MM-DD.</summary>
    public static bool IsDate(string key, out DateOnly date) =>
        DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date) && date.DayOfWeek == DayOfWeek.Saturday;

    /// <summary>
    /// The error for a string that is not one of our IDs (or names a type or key that cannot exist). It quotes at most the
    /// ID's start (<see cref="ClientText.Quote"/>): an ID variable used by many aliases would otherwise be echoed once per alias.
    /// </summary>
    public static ExecutionError NotAnId(string id) => new($"{ClientText.Quote(id)} is not a DetainerGraph ID.") { Code = "INVALID_ID" };
}
