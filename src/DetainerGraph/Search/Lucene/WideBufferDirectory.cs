using Lucene.Net.Store;

namespace DetainerGraph.Search;

/// <summary>
/// <see cref="NIOFSDirectory"/> whose inputs read through a wider buffer than Lucene's 1 KB default. Each buffer refill
/// is a positional read (a system call); a broad query streams hundreds of kilobytes of postings, so at 1M detainers
/// "assault" (254,587 hits) spent a quarter of its samples in refills. Segments here are compound files, read through
/// slices of the <c>.cfs</c>, so the slices get the wider buffer too. Random reads (a term lookup, a stored document)
/// read more bytes per refill, which costs little against the system call itself.
/// <para>
/// Except the terms dictionary (<c>.tim</c>), read through 4 KB: it is only ever read a block at a time at random (a
/// word's lookup seeks to its block and reads one block of about 25-48 terms), and every lookup reads through a clone
/// of its own whose buffer is allocated on its first read. At 16 KB the lookups of one search allocated about 280 KB
/// of buffers (a third of all a search allocated at 100k). 4 KB makes as many reads as 16 KB (27 positional reads per
/// search over the 12 benchmark searches at 100k, counted with perf); Lucene's 1 KB made 47.
/// </para>
/// </summary>
internal sealed class WideBufferDirectory(DirectoryInfo path) : NIOFSDirectory(path)
{
    /// <summary>The read buffer: 16 KB, a few pages of the OS cache per call.</summary>
    public const int BufferSize = 16 * 1024;

    /// <summary>The terms dictionary's read buffer: a block of terms in one read, without the wide buffer's allocation per lookup.</summary>
    public const int TermsBufferSize = 4 * 1024;

    public override IndexInput OpenInput(string name, IOContext context) => Widen(base.OpenInput(name, context), name);

    public override IndexInputSlicer CreateSlicer(string name, IOContext context) => new WideSlicer(base.CreateSlicer(name, context));

    /// <summary>The read buffer for the file <paramref name="name"/> (a file of the directory or of a compound file).</summary>
    public static int BufferSizeOf(string name) =>
        name.EndsWith(".tim", StringComparison.Ordinal) ? TermsBufferSize : BufferSize;

    private static IndexInput Widen(IndexInput input, string name)
    {
        if (input is BufferedIndexInput buffered)
        {
            buffered.SetBufferSize(BufferSizeOf(name));
        }
        return input;
    }

    private sealed class WideSlicer(IndexInputSlicer inner) : IndexInputSlicer
    {
        public override IndexInput OpenSlice(string sliceDescription, long offset, long length) => Widen(inner.OpenSlice(sliceDescription, offset, length), sliceDescription);

        [Obsolete("Only for reading CFS files from 3.x indexes.")]
        public override IndexInput OpenFullSlice() => Widen(inner.OpenFullSlice(), "");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
        }
    }
}
