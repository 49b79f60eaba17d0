using System.Text;

namespace DetainerGraph.Corrections;

/// <summary>
/// Whether <c>Auth:SigningKey</c> could be guessed. Length alone let <c>aaaa…a</c> (32 bytes) sign tokens in
/// Production. A key is refused when it is shorter than 32 bytes, holds few distinct bytes, repeats a short
/// pattern, runs through the alphabet or digits, carries less than 128 bits by its own byte frequencies (Shannon
/// entropy times length), or contains a known placeholder. Keys from <c>openssl rand -base64 48</c> or
/// <c>-hex 32</c> pass.
/// </summary>
public static class SigningKeyStrength
{
    public const int MinBytes = 32;
    public const int MinDistinctBytes = 10;
    public const double MinEntropyBits = 128;

    /// <summary>Words that mark a key as copied from documentation or a template, compared without case.</summary>
    private static readonly string[] Placeholders =
        ["changeme", "change-me", "change_me", "replace-me", "replaceme", "placeholder", "your-secret", "yoursecret", "secretkey", "secret-key", "mysecret", "password", "example", "signing-key-here", "xxxxxxxx"];

    /// <summary>Why the key is weak (never quoting it), or null when it is acceptable.</summary>
    public static string? Problem(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        if (bytes.Length < MinBytes)
        {
            return $"it is {bytes.Length} bytes; HS256 needs at least {MinBytes}";
        }
        var distinct = bytes.Distinct().Count();
        if (distinct < MinDistinctBytes)
        {
            return $"it holds only {distinct} distinct bytes";
        }
        if (RepeatsPattern(bytes))
        {
            return "it repeats a short pattern";
        }
        if (MostlySequential(bytes))
        {
            return "it runs through consecutive characters";
        }
        var bits = EntropyBits(bytes);
        if (bits < MinEntropyBits)
        {
            return $"it carries about {bits:0} bits by its byte frequencies; at least {MinEntropyBits:0} are needed";
        }
        var lower = key.ToLowerInvariant();
        if (Placeholders.FirstOrDefault(p => lower.Contains(p, StringComparison.Ordinal)) is { } placeholder)
        {
            return $"it contains the placeholder '{placeholder}'";
        }
        return null;
    }

    /// <summary>Shannon entropy of the byte frequencies, in bits per byte, times the length.</summary>
    public static double EntropyBits(byte[] bytes)
    {
        var counts = new int[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }
        var perByte = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / bytes.Length;
                perByte -= p * Math.Log2(p);
            }
        }
        return perByte * bytes.Length;
    }

    /// <summary>Whether the key is a block of at most a third of its length repeated (abcabcabc…).</summary>
    private static bool RepeatsPattern(byte[] bytes)
    {
        for (var period = 1; period <= bytes.Length / 3; period++)
        {
            var repeats = true;
            for (var i = period; i < bytes.Length && repeats; i++)
            {
                repeats = bytes[i] == bytes[i - period];
            }
            if (repeats)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether most neighbouring bytes step by +1 or -1 (abcdef…, 0123…, 9876…).</summary>
    private static bool MostlySequential(byte[] bytes)
    {
        var steps = 0;
        for (var i = 1; i < bytes.Length; i++)
        {
            if (Math.Abs(bytes[i] - bytes[i - 1]) == 1)
            {
                steps++;
            }
        }
        return steps * 2 > bytes.Length;
    }
}
