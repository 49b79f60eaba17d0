namespace DetainerGraph.Import;

/// <summary>
/// A source's bytes, held by the import only until they are hashed, looked up and parsed (<see cref="Release"/>): the
/// import's async methods and closures hold this rather than the array, so that once released the array (as large as
/// the file, up to 2 GB) can be collected while the rows are written, whatever is still on the import's stack.
/// </summary>
internal sealed class SourceContent(byte[] bytes)
{
    private byte[]? _bytes = bytes;

    /// <summary>The bytes; an error once <see cref="Release"/>d (nothing reads them after the parse).</summary>
    public byte[] Bytes => _bytes ?? throw new InvalidOperationException("The source's bytes were released after its parse.");

    /// <summary>Whether the bytes are still held (for tests).</summary>
    public bool IsHeld => _bytes is not null;

    /// <summary>Lets go of the bytes; how many there were (0 when already released).</summary>
    public long Release()
    {
        var length = _bytes?.LongLength ?? 0;
        _bytes = null;
        return length;
    }
}
