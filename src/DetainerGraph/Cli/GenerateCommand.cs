using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;

namespace DetainerGraph.Cli;

/// <summary><c>generate</c>: writes synthetic detainers in the <c>detainers</c> import format.</summary>
public static partial class Commands
{
    private static int Generate(string[] args, IServiceProvider services, CancellationToken ct)
    {
        var options = ParseOptions(args);
        var detainers = RequiredInt(options, "detainers", min: 1);
        var seed = RequiredInt(options, "seed", min: 0);
        var output = options.GetValueOrDefault("out") ?? throw new UsageException("generate needs --out FILE");
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new UsageException("generate needs --out FILE, and the one given is empty");
        }
        var from = SampleData.DemoFirstWeek;
        if (options.TryGetValue("from", out var fromText) && !DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from))
        {
            throw new UsageException($"--from '{fromText}' is not a date as YYYY-MM-DD");
        }
        var weeks = options.ContainsKey("weeks") ? RequiredInt(options, "weeks", min: 1) : SampleData.DemoWeeks;
        if (DetainerGenerator.RangeProblem(from, weeks) is { } problem)
        {
            throw new UsageException(problem);
        }
        var generator = new DetainerGenerator(services.GetRequiredService<ReferenceData>());
        // A regular file (or a new one) is written beside the output and moved over it when complete: stopped or failed
        // part-way, the output is left as it was (a cut-off file would import as fewer detainers than asked for). A link,
        // a pipe or a device (/dev/stdout, a FIFO, >(gzip > x.gz)) is written through, as before: moving a file over it
        // would replace the link or the pipe instead of writing to what it names.
        var full = Path.GetFullPath(output);
        string? partial = null;
        var writtenThrough = false;
        int rows;
        try
        {
            var through = OpenAbandonable(() => OpenUnlessRegular(full), ct);
            if (through is not null)
            {
                writtenThrough = true;
                using var writer = new StreamWriter(through, new System.Text.UTF8Encoding(false));
                rows = generator.Write(writer, detainers, seed, from, weeks, ct);
            }
            else
            {
                partial = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.partial");
                using (var writer = new StreamWriter(partial, append: false, new System.Text.UTF8Encoding(false)))
                {
                    rows = generator.Write(writer, detainers, seed, from, weeks, ct);
                }
                File.Move(partial, full, overwrite: true);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            DeletePartial(partial);
            Console.Error.WriteLine(writtenThrough
                ? $"generate interrupted: what reached {output} is cut off; do not import it."
                : $"generate interrupted: {output} was not written.");
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeletePartial(partial);
            Console.Error.WriteLine(writtenThrough
                ? $"error: writing to {output} failed ({e.Message}); what reached it is cut off."
                : $"error: {output} could not be written ({e.Message}); nothing was changed.");
            return 1;
        }
        Console.WriteLine($"{output}: {detainers} synthetic detainers ({rows} rows, seed {seed}) from week {Week.StartOf(from):yyyy-MM-dd}, {weeks} week(s)");
        return 0;
    }

    /// <summary>
    /// The output opened for writing when it is a link, a pipe or a device (written through); null when it is a regular
    /// file or does not exist yet (written beside and moved).
    /// </summary>
    private static FileStream? OpenUnlessRegular(string full)
    {
        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            return new FileStream(full, FileMode.Create, FileAccess.Write);
        }
        switch (UnixFileKind.Of(full))
        {
            case UnixFileKind.Kind.Missing or UnixFileKind.Kind.Regular:
                return null;
            case UnixFileKind.Kind.Other:
                return new FileStream(full, FileMode.Open, FileAccess.Write);
        }
        // Not Linux, or stat could not tell: the stream's own answer, which knows a pipe (it cannot seek) but not a device.
        if (!info.Exists)
        {
            return null;
        }
        var stream = new FileStream(full, FileMode.Open, FileAccess.Write);
        if (!stream.CanSeek)
        {
            return stream;
        }
        // A regular file: opened without truncating it, to learn only that.
        stream.Dispose();
        return null;
    }

    /// <summary>
    /// <paramref name="open"/> run on a pool thread and waited for until <paramref name="ct"/> is cancelled: opening a FIFO
    /// for writing blocks in open() until a reader comes, which no token reaches, so a stop would wait for a reader or a
    /// second signal. Abandoned, the open blocks on in its pool thread, which does not keep the process from exiting; a
    /// stream it opens after all is closed at once.
    /// </summary>
    private static FileStream? OpenAbandonable(Func<FileStream?> open, CancellationToken ct)
    {
        var opening = Task.Run(open, CancellationToken.None);
        try
        {
            return opening.WaitAsync(ct).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _ = opening.ContinueWith(static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result?.Dispose();
                }
                else
                {
                    _ = t.Exception;
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private static void DeletePartial(string? partial)
    {
        if (partial is null)
        {
            return;
        }
        try
        {
            File.Delete(partial);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Its folder is missing or unwritable: then there is nothing there to delete.
        }
    }
}
