using DetainerGraph.Search;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The read buffers <see cref="WideBufferDirectory"/> gives: 4 KB for the terms dictionary (read a block at a
/// time at random, through a clone per lookup), the wide buffer for everything else, in plain files and in the slices
/// of a compound file alike, and clones keep their file's size. The bytes read are the same either way.
/// </summary>
public sealed class WideBufferDirectoryTests : IDisposable
{
    private readonly DirectoryInfo _folder = System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dg-widebuffer-" + Guid.NewGuid().ToString("N")));

    public void Dispose() => _folder.Delete(recursive: true);

    private static byte[] Content(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7))];

    private static void Write(LuceneDirectory directory, string name, byte[] bytes)
    {
        using var output = directory.CreateOutput(name, IOContext.DEFAULT);
        output.WriteBytes(bytes, bytes.Length);
    }

    [Theory]
    [InlineData("_0_Lucene41_0.tim", WideBufferDirectory.TermsBufferSize)]
    [InlineData("_3_Lucene41_0.tim", WideBufferDirectory.TermsBufferSize)]
    [InlineData("_0_Lucene41_0.doc", WideBufferDirectory.BufferSize)]
    [InlineData("_0_Lucene41_0.pos", WideBufferDirectory.BufferSize)]
    [InlineData("_0_Lucene41_0.tip", WideBufferDirectory.BufferSize)]
    [InlineData("_0.fdt", WideBufferDirectory.BufferSize)]
    [InlineData("_0_Lucene45_0.dvd", WideBufferDirectory.BufferSize)]
    [InlineData("_0.timx", WideBufferDirectory.BufferSize)]
    public void Files_and_compound_slices_read_through_their_buffer(string name, int expected)
    {
        Assert.Equal(expected, WideBufferDirectory.BufferSizeOf(name));
        using var directory = new WideBufferDirectory(_folder);
        var bytes = Content(40_000);
        Write(directory, name, bytes);

        using var input = directory.OpenInput(name, IOContext.READ);
        Assert.Equal(expected, Assert.IsAssignableFrom<BufferedIndexInput>(input).BufferSize);
        var clone = (BufferedIndexInput)input.Clone();
        Assert.Equal(expected, clone.BufferSize);
        var read = new byte[bytes.Length];
        clone.ReadBytes(read, 0, 3);
        clone.Seek(3);
        clone.ReadBytes(read, 3, read.Length - 3);
        Assert.Equal(bytes, read);

        // A compound file's slices are opened by their file's name.
        using var slicer = directory.CreateSlicer(name, IOContext.READ);
        using var slice = slicer.OpenSlice(name, 1000, 20_000);
        Assert.Equal(expected, Assert.IsAssignableFrom<BufferedIndexInput>(slice).BufferSize);
        var sliceRead = new byte[20_000];
        for (var i = 0; i < sliceRead.Length; i++)
        {
            sliceRead[i] = slice.ReadByte();
        }
        Assert.Equal(bytes.AsSpan(1000, 20_000).ToArray(), sliceRead);
    }
}
