using System.Security.Cryptography;

namespace DetainerGraph.Import;

/// <summary>
/// What makes two files "the same content" for an import, which happens at most once per content. A source records the
/// SHA-256 of its file's bytes (what <c>sha256sum</c> prints, so anyone can check which file it was), but the same
/// text also travels with Windows line endings (a checkout with <c>core.autocrlf</c>, a spreadsheet's export) or a
/// UTF-8 byte-order mark, and imported again under those bytes it would count every record twice. So a file is looked
/// up by the hashes of its text in all four spellings (LF or CRLF, with or without the mark), one of which is its own.
/// </summary>
public static class ContentIdentity
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The SHA-256 of <paramref name="bytes"/> as they are, in lower-case hex: what a source records.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The hashes of the same text with LF or CRLF line endings, each with and without a byte-order mark: the file's own
    /// (<paramref name="own"/>, its <see cref="Of"/>) among them, first. A file already in one of the four spellings (nearly
    /// every one: LF or CRLF throughout) is not hashed again in that spelling; each other spelling is one pass of SHA-256
    /// (about 0.15 s of CPU for the 211 MB of a million generated detainers here, through OpenSSL's SHA extensions),
    /// run while the file is parsed.
    /// </summary>
    public static string[] Spellings(ReadOnlySpan<byte> bytes, string own)
    {
        var marked = bytes.StartsWith(Utf8Bom);
        var text = marked ? bytes[Utf8Bom.Length..] : bytes;
        var lineFeeds = text.Count((byte)'\n');
        var returns = text.Count((byte)'\r');
        // Which spelling the file already is, if any: no CR at all (LF), or every CR just before an LF and every LF after one.
        var isLf = returns == 0;
        var isCrlf = !isLf && returns == lineFeeds && text.Count("\r\n"u8) == lineFeeds;
        using var lf = new Spelling("\n"u8, plain: !(isLf && !marked), withMark: !(isLf && marked));
        using var crlf = new Spelling("\r\n"u8, plain: !(isCrlf && !marked), withMark: !(isCrlf && marked));
        while (text.IndexOf((byte)'\n') is var end and >= 0)
        {
            var line = text[..end];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }
            lf.AppendLine(line);
            crlf.AppendLine(line);
            text = text[(end + 1)..];
        }
        lf.Append(text);
        crlf.Append(text);
        return [own, .. lf.Hashes().Concat(crlf.Hashes()).Where(h => h != own).Distinct()];
    }

    /// <summary>One line ending's spelling of the text, hashed without the mark and with it, each only when asked for.</summary>
    private sealed class Spelling : IDisposable
    {
        private readonly byte[] _ending;
        private readonly IncrementalHash? _plain;
        private readonly IncrementalHash? _marked;
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _length;

        public Spelling(ReadOnlySpan<byte> ending, bool plain, bool withMark)
        {
            _ending = ending.ToArray();
            _plain = plain ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
            _marked = withMark ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
            _marked?.AppendData(Utf8Bom);
        }

        private bool Idle => _plain is null && _marked is null;

        public void AppendLine(ReadOnlySpan<byte> line)
        {
            if (Idle)
            {
                return;
            }
            Append(line);
            Append(_ending);
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Idle)
            {
                return;
            }
            if (_length + bytes.Length > _buffer.Length)
            {
                Flush();
            }
            if (bytes.Length > _buffer.Length)
            {
                _plain?.AppendData(bytes);
                _marked?.AppendData(bytes);
                return;
            }
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }

        public IEnumerable<string> Hashes()
        {
            Flush();
            return new[] { _plain, _marked }.OfType<IncrementalHash>().Select(h => Convert.ToHexStringLower(h.GetHashAndReset())).ToList();
        }

        private void Flush()
        {
            _plain?.AppendData(_buffer, 0, _length);
            _marked?.AppendData(_buffer, 0, _length);
            _length = 0;
        }

        public void Dispose()
        {
            _plain?.Dispose();
            _marked?.Dispose();
        }
    }
}
