using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// What an import lets go of before its commit: the file's bytes once parsed, and each chunk of parsed rows once
/// written. A million generated detainers are some 200 MB of bytes and 300 MB of rows; held to the commit beside the
/// index's buffer, they made the import's peak grow with the file.
/// </summary>
public sealed class ImportMemoryTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_files_bytes_are_not_held_while_its_rows_are_written()
    {
        await using var scope = _app.Started().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var reference = scope.ServiceProvider.GetRequiredService<ReferenceData>();
        var (bytes, weak) = Bytes(Generate(reference, 50, seed: 24));
        bool? heldDuringWrite = null;
        var progress = new Probe(_ => heldDuringWrite ??= IsAlive(weak));

        var result = await new Importer(db, reference).ImportAsync("bytes.csv", bytes.Take(), progress);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Equal(50, await db.Detainers.CountAsync());
        Assert.False(heldDuringWrite);
    }

    [Fact]
    public async Task Each_chunk_of_rows_is_let_go_once_written_and_the_rollups_still_count_every_row()
    {
        await using var scope = _app.Started().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var reference = scope.ServiceProvider.GetRequiredService<ReferenceData>();
        var bytes = Encoding.UTF8.GetBytes(Generate(reference, 10_001, seed: 25));
        var parsed = new Importer(db, reference).Parse("rows.csv", bytes);
        Assert.Empty(parsed.Errors);
        var first = FirstRow(parsed);
        bool? firstChunkHeld = null;
        // The first chunk's rows, looked at once the second chunk is written (while the write still runs).
        var progress = new Probe(p => firstChunkHeld ??= p.Done >= 10_000 ? IsAlive(first) : null);

        await new ImportWriter(db, reference).WriteAsync(parsed, new string('c', 64), progress, null, default);

        Assert.False(firstChunkHeld);
        Assert.Equal(10_001, parsed.Detainers.Count);
        Assert.All(parsed.Detainers, Assert.Null);
        // The rollup groups were counted as the rows were written: they still count each of them.
        Assert.Equal(10_001, await db.Set<DetainerCount>().SumAsync(c => c.Count));
    }

    private static string Generate(ReferenceData reference, int detainers, int seed)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(reference).Write(text, detainers, seed, new DateOnly(2017, 1, 28), 3);
        return text.ToString();
    }

    // Made in methods of their own, so that no frame of the test keeps a reference the weak one is to outlive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Holder Bytes, WeakReference Weak) Bytes(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return (new Holder(bytes), new WeakReference(bytes));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference FirstRow(ParsedFile parsed) => new(parsed.Detainers[0]);

    private static bool IsAlive(WeakReference weak)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return weak.IsAlive;
    }

    /// <summary>Hands its array over once, keeping no reference to it.</summary>
    private sealed class Holder(byte[] bytes)
    {
        private byte[]? _bytes = bytes;

        public byte[] Take()
        {
            var taken = _bytes!;
            _bytes = null;
            return taken;
        }
    }

    /// <summary>Reports on the writer's thread, as it reports (<see cref="Progress{T}"/> would post elsewhere, later).</summary>
    private sealed class Probe(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
