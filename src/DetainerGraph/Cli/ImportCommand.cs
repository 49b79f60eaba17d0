using System.Diagnostics;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Operability;
using Spectre.Console;

namespace DetainerGraph.Cli;

/// <summary><c>import FILE...</c>: each file in its own transaction, with a progress bar on a terminal.</summary>
public static partial class Commands
{
    private static async Task<int> ImportAsync(string[] files, IServiceProvider services, CancellationToken ct)
    {
        if (files.Length == 0)
        {
            throw new UsageException("import needs at least one FILE");
        }
        try
        {
            await services.PrepareStoreAsync(loadSampleData: false, ct);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("import interrupted before its first file; nothing was imported.");
            return Interrupted;
        }
        catch (Exception e) when (!StoreBusy.Is(e))
        {
            // The store cannot be opened or migrated (a read-only or full disk, a file that is not a database).
            Console.Error.WriteLine($"error: import failed before its first file: the store could not be prepared ({Failure(e)}); nothing was imported.");
            return 1;
        }
        var refused = 0;
        var busy = 0;
        var failed = 0;
        for (var f = 0; f < files.Length; f++)
        {
            var file = files[f];
            await using var scope = services.CreateAsyncScope();
            var importer = scope.ServiceProvider.GetRequiredService<Importer>();
            var watch = Stopwatch.StartNew();
            try
            {
                var result = await WithProgressAsync(file, progress => importer.ImportAsync(file, progress, ct));
                // File names and header cells are the file's own text: echoed escaped, as a refusal's are.
                foreach (var warning in result.Warnings)
                {
                    Console.Error.WriteLine($"warning: {LogText.Escape(warning)}");
                }
                Console.WriteLine(result.Outcome == ImportOutcome.AlreadyImported
                    ? $"{LogText.Escape(result.File)}: already imported as source #{result.Source.Id} on {result.Source.ImportedAt:yyyy-MM-dd}; nothing changed"
                    : $"{LogText.Escape(result.File)}: imported {result.Source.RowCount} records ({result.Source.Format}) as source #{result.Source.Id} in {watch.Elapsed.TotalSeconds:F1} s");
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Whatever the stop made the import throw (a cancellation; on SQL Server, a cancelled statement's
                // SqlException), the store says what was kept.
                await ReportInterruptedAsync(services, file, importer.ContentSha256, files.Length - f - 1);
                return Interrupted;
            }
            catch (Exception e) when (StoreBusy.Is(e))
            {
                // Another process held the store's write lock past the wait: the file's transaction never began
                // or was rolled back whole, so running the import again is safe.
                busy++;
                Console.Error.WriteLine($"{LogText.Escape(Importer.SourceName(file))}: the database is busy with another write; nothing was imported. Run the import again.");
            }
            catch (ImportRejectedException e)
            {
                refused++;
                // The file's own text (cells, names) is echoed escaped: an ANSI escape in a refused cell must not drive the terminal.
                Console.Error.WriteLine($"{LogText.Escape(e.Message)}:");
                foreach (var error in e.Errors)
                {
                    Console.Error.WriteLine($"  {LogText.Escape(error.ToString() ?? "")}");
                }
                if (e.Omitted > 0)
                {
                    Console.Error.WriteLine($"  ... and {e.Omitted:N0} more, not listed (the first {e.Errors.Count:N0} found are).");
                }
            }
            catch (Exception e)
            {
                // Anything else (a full disk, a read-only or damaged store, an output that cannot be written): the
                // file's transaction rolled back unless its commit came first, which the store tells.
                failed++;
                await ReportFailedAsync(services, file, importer.ContentSha256, e);
            }
        }
        return busy > 0 ? 3 : refused + failed == 0 ? 0 : 1;
    }

    /// <summary>The failure's own message (EF Core wraps the provider's in "see the inner exception"), on one line.</summary>
    private static string Failure(Exception e)
    {
        var inner = e.GetBaseException();
        return LogText.Escape(inner is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException
            ? inner.Message
            : $"{inner.GetType().Name}: {inner.Message}");
    }

    /// <summary>
    /// The source the content an import read was committed as, asked by the hash of what it read (not by reading the file
    /// again: a pipe is spent, a FIFO would wait for a writer, a file may have changed); null when it read nothing whole.
    /// </summary>
    private static async Task<Source?> FindImportedAsync(IServiceProvider services, string? sha256)
    {
        if (sha256 is null)
        {
            return null;
        }
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Importer>().FindImportedAsync(sha256, CancellationToken.None);
    }

    /// <summary>An import that failed for another reason than its file: what the store kept of it.</summary>
    private static Task ReportFailedAsync(IServiceProvider services, string file, string? sha256, Exception failure) =>
        ReportKeptAsync(services, file, sha256,
            stopped: $"import failed ({Failure(failure)})",
            stoppedAfterCommit: $"failed after its commit ({Failure(failure)})",
            rerun: "run it again once the cause is fixed",
            nothingKept: "");

    /// <summary>
    /// What an interrupted import kept of the file it was writing: nothing when the stop came before its commit (the
    /// transaction was rolled back), all of it when after (then only search documents may still be owed, which the
    /// server indexes when it starts, as does running the import again). Earlier files keep their own commits.
    /// </summary>
    private static async Task ReportInterruptedAsync(IServiceProvider services, string file, string? sha256, int notStarted)
    {
        var known = await ReportKeptAsync(services, file, sha256,
            stopped: "import interrupted",
            stoppedAfterCommit: "interrupted after its commit",
            rerun: "run it again",
            nothingKept: " Run the import again to import it.");
        if (known && notStarted > 0)
        {
            Console.Error.WriteLine($"{notStarted} more file(s) not started.");
        }
    }

    /// <summary>
    /// Says whether a stopped import's file was committed, asking the store by the content it read; false when the store
    /// could not be asked.
    /// </summary>
    private static async Task<bool> ReportKeptAsync(IServiceProvider services, string file, string? sha256, string stopped, string stoppedAfterCommit, string rerun, string nothingKept)
    {
        var name = LogText.Escape(Importer.SourceName(file));
        Source? source;
        try
        {
            source = await FindImportedAsync(services, sha256);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{name}: {stopped}; whether its commit came first could not be read ({Failure(e)}). An import runs at most once per content: {rerun}.");
            return false;
        }
        Console.Error.WriteLine(source is null
            ? $"{name}: {stopped}; nothing from this file was imported.{nothingKept}"
            : $"{name}: {stoppedAfterCommit}: imported as source #{source.Id} ({source.RowCount} records); any search documents still owed are indexed when the server starts or the import runs again.");
        return true;
    }

    /// <summary>A progress bar on a terminal; plain lines when output is redirected.</summary>
    private static async Task<ImportResult> WithProgressAsync(string file, Func<IProgress<ImportProgress>, Task<ImportResult>> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPercent = -10;
            return await run(new Progress<ImportProgress>(p =>
            {
                var percent = p.Total == 0 ? 100 : p.Done * 100 / p.Total;
                if (percent >= lastPercent + 10 || p.Done == p.Total)
                {
                    lastPercent = percent;
                    try
                    {
                        Console.WriteLine($"{LogText.Escape(p.File)}: {p.Done}/{p.Total} detainers written ({percent}%)");
                    }
                    catch (IOException)
                    {
                        // Progress runs on a pool thread, where a failure would end the process: an output that cannot be
                        // written (a full disk, a closed pipe) loses only the progress; the result line reports it.
                    }
                }
            }));
        }
        ImportResult? result = null;
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(Importer.SourceName(file)), maxValue: 1);
            task.IsIndeterminate = true;
            result = await run(new SynchronousProgress<ImportProgress>(p =>
            {
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
            }));
            task.Value = task.MaxValue;
        });
        return result!;
    }

    /// <summary>Reports on the caller's thread: Spectre's live display is updated from inside its own callback.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
