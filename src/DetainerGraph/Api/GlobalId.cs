using System.Buffers.Text;
using System.Text;

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
}
