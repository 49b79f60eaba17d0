using Lucene.Net.Store;

namespace DetainerGraph.Search;

/// <summary>
/// <see cref="NIOFSDirectory"/> whose inputs read through a wider buffer than Lucene's 1 KB default. Each buffer refill
/// is a positional read (a system call); a broad query streams hundreds of kilobytes of postings, so at 1M detainers
/// "assault" (254,587 hits) spent a quarter of its samples in refills. Segments here are compound files, read through
/// slices of the <c>.cfs</c>, so the slices get the wider buffer too. Random reads (a term lookup, a stored document)
/// read more bytes per refill, which costs little against the system call itself.
/// </summary>
internal sealed class WideBufferDirectory(DirectoryInfo path) : NIOFSDirectory(path)
{
    /// <summary>The read buffer: 16 KB, a few pages of the OS cache per call.</summary>
    public const int BufferSize = 16 * 1024;

    public override IndexInput OpenInput(string name, IOContext context) => Widen(base.OpenInput(name, context));

    public override IndexInputSlicer CreateSlicer(string name, IOContext context) => new WideSlicer(base.CreateSlicer(name, context));

    private static IndexInput Widen(IndexInput input)
    {
        if (input is BufferedIndexInput buffered)
        {
            buffered.SetBufferSize(BufferSize);
        }
        return input;
    }

    private sealed class WideSlicer(IndexInputSlicer inner) : IndexInputSlicer
    {
        public override IndexInput OpenSlice(string sliceDescription, long offset, long length) => Widen(inner.OpenSlice(sliceDescription, offset, length));

        [Obsolete("Only for reading CFS files from 3.x indexes.")]
        public override IndexInput OpenFullSlice() => Widen(inner.OpenFullSlice());

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
        }
    }
}
