using System.Threading.RateLimiting;

namespace DetainerGraph.Api;

/// <summary>
/// One operation's cost, shared between the HTTP endpoint and the complexity analyzer through
/// <c>ExecutionOptions.UserContext</c>: the analyzer records the cost (<see cref="CostModel"/>) and charges the
/// client's token bucket for it before anything runs; the endpoint reports it (<c>extensions.cost</c>) and, for
/// <c>GraphQL-Cost: validate</c>, stops after validation. An operation that scans holds its <see cref="ScanGate"/> slot until
/// the endpoint disposes this, when the operation is done; so does one whose resolver finds, as it runs, that it reads the table
/// after all (<see cref="ScanAdmission.ForRootField"/>).
/// </summary>
public sealed class RequestCost(string client, bool validateOnly, ClientLimiters? limiters) : IDisposable
{
    private IDisposable? _scanSlot;
    // Root fields resolve in parallel: two of them may ask for the operation's one slot at once.
    private readonly SemaphoreSlim _entering = new(1, 1);
    private bool _disposed;

    public const string Key = "DetainerGraph.RequestCost";

    /// <summary>The request header of HotChocolate's convention: <c>report</c> adds the cost to the response, <c>validate</c> computes it without executing.</summary>
    public const string Header = "GraphQL-Cost";

    /// <summary>The code of the marker error that stops a <c>validate</c> request after validation; the endpoint removes it.</summary>
    public const string ValidatedCode = "COST_VALIDATED";

    public string Client { get; } = client;
    public bool ValidateOnly { get; } = validateOnly;

    /// <summary>The complexity the analyzer measured, or null when the document never reached it (a syntax error).</summary>
    public double? Total { get; private set; }

    /// <summary>Tokens taken from the client's bucket for this operation (the rate limiter's admission token included).</summary>
    public int Tokens { get; private set; }

    /// <summary>Seconds to wait when the bucket could not pay for the operation, else null.</summary>
    public int? RetryAfterSeconds { get; private set; }

    /// <summary>Whether the operation reads a table row by row (set by <see cref="CostModel"/> while it prices the operation).</summary>
    public bool Scans { get; set; }

    /// <summary>Seconds to wait when the server was running all the scans it allows, else null (answered 503).</summary>
    public int? BusyRetryAfterSeconds { get; private set; }

    public void Record(double total) => Total = total;

    /// <summary>
    /// Takes a slot of <paramref name="gate"/> for this operation, waiting in its queue if need be, held until
    /// <see cref="Dispose"/>. False when the queue is full: before execution (<paramref name="running"/> false) the operation
    /// is refused before it runs, answered 503 (<see cref="BusyRetryAfterSeconds"/>); while it runs, only the field that
    /// asked fails, and the answer keeps the other fields' data (so a 200, as GraphQL over HTTP requires of an answer with data).
    /// </summary>
    public async ValueTask<bool> EnterScanAsync(ScanGate gate, CancellationToken ct, bool running = false)
    {
        await _entering.WaitAsync(ct);
        try
        {
            if (_scanSlot is not null)
            {
                return true;
            }
            ObjectDisposedException.ThrowIf(_disposed, this);
            _scanSlot = await gate.EnterAsync(ct);
            if (_scanSlot is null)
            {
                if (!running)
                {
                    BusyRetryAfterSeconds = ScanGate.RetryAfterSeconds;
                }
                return false;
            }
            return true;
        }
        finally
        {
            _entering.Release();
        }
    }

    public void Dispose()
    {
        // Waits for an entry in progress, so that a slot it takes is not left held.
        _entering.Wait();
        try
        {
            _disposed = true;
            _scanSlot?.Dispose();
            _scanSlot = null;
        }
        finally
        {
            _entering.Release();
        }
    }

    /// <summary>
    /// Takes the tokens the cost needs beyond the one the rate limiter took at admission. False (and
    /// <see cref="RetryAfterSeconds"/>) when the bucket cannot pay: the operation is refused before it runs.
    /// </summary>
    public bool Charge()
    {
        var tokens = limiters?.TokensFor(Total ?? 0) ?? 1;
        Tokens = 1;
        if (limiters is null || tokens <= 1 || ValidateOnly)
        {
            return true;
        }
        using var lease = limiters.Tokens.AttemptAcquire(Client, tokens - 1);
        if (lease.IsAcquired)
        {
            Tokens = tokens;
            return true;
        }
        RetryAfterSeconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        return false;
    }

    /// <summary>The <c>extensions.cost</c> entry.</summary>
    public Dictionary<string, object?> ToExtension(int maximum) => new()
    {
        ["requested"] = Total is { } total ? Math.Round(total, 1) : null,
        ["maximum"] = maximum,
        ["tokens"] = Tokens,
    };
}
