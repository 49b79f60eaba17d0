using System.Collections;
using System.Collections.Concurrent;

namespace DetainerGraph.Import;

/// <summary>
/// A file's CSV records read on another thread a batch at a time, while the caller reads rows from the records before
/// them: the CSV scan and the format reader each keep a core busy instead of taking turns on one. The records come in
/// the same order with the same line numbers, and a <see cref="CsvFormatException"/> (or any other failure of the scan)
/// is thrown by <see cref="MoveNext"/> exactly where the plain reader would throw it: after the records before it.
/// </summary>
/// <remarks>
/// At most <see cref="QueuedBatches"/> batches of <see cref="BatchSize"/> records wait for the caller, so the scan runs at
/// most that far ahead of the rows already kept. Disposing stops the scan and waits for its thread: nothing reads the
/// text after the caller has moved on (the caller disposes the text after this).
/// </remarks>
internal sealed class ReadAheadRecords : IEnumerator<CsvRecord>
{
    internal const int BatchSize = 1_024;
    internal const int QueuedBatches = 8;

    private readonly BlockingCollection<CsvRecord[]> _batches = new(QueuedBatches);
    private readonly CancellationTokenSource _stop;
    private readonly Task _scan;
    private Exception? _failure;
    private CsvRecord[] _batch = [];
    private int _next;
    private CsvRecord? _current;

    public ReadAheadRecords(TextReader text, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stop = _stop.Token;
        _scan = Task.Factory.StartNew(() => Scan(text, stop), stop, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Scan(TextReader text, CancellationToken stop)
    {
        try
        {
            var batch = new List<CsvRecord>(BatchSize);
            foreach (var record in CsvReader.Read(text))
            {
                batch.Add(record);
                if (batch.Count == BatchSize)
                {
                    _batches.Add([.. batch], stop);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                _batches.Add([.. batch], stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by Dispose (or the import's cancellation, which the caller observes itself).
        }
        catch (Exception e)
        {
            // Read by the caller once it has taken every batch before it (CompleteAdding below happens after this write).
            _failure = e;
        }
        finally
        {
            _batches.CompleteAdding();
        }
    }

    public CsvRecord Current => _current ?? throw new InvalidOperationException("MoveNext first.");

    object IEnumerator.Current => Current;

    public bool MoveNext()
    {
        while (_next == _batch.Length)
        {
            if (!_batches.TryTake(out var batch, Timeout.Infinite, _stop.Token))
            {
                // Every batch taken and the scan finished: its failure, if any, comes where the plain reader would throw it.
                if (_failure is { } failure)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                }
                _current = null;
                return false;
            }
            _batch = batch;
            _next = 0;
        }
        _current = _batch[_next++];
        return true;
    }

    public void Reset() => throw new NotSupportedException();

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _scan.Wait();
        }
        catch (AggregateException)
        {
            // A scan cancelled before it started; any other failure was kept in _failure.
        }
        _batches.Dispose();
        _stop.Dispose();
    }
}
