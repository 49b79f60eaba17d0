using System.Runtime.InteropServices;

namespace DetainerGraph.Cli;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM while a command runs: the first asks the command to stop (its token is cancelled, so an
/// import rolls its file back, a reindex keeps the live index, a generated file is not left half-written) and the
/// command reports what was kept; a second one ends the process at once, as without this.
/// </summary>
public sealed class CommandInterrupt : IDisposable
{
    // Never disposed: a signal may come while the command returns, and cancelling then must not throw.
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _exitCode = Commands.Interrupted;

    private CommandInterrupt()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Signalled), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Signalled)];
    }

    /// <summary>Listens for the two signals until disposed.</summary>
    public static CommandInterrupt Listen() => new();

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The exit code of a command this stopped: 128 + the signal's number, 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    private void Signalled(PosixSignalContext context)
    {
        if (_stop.IsCancellationRequested)
        {
            // The second signal: the runtime's default (the process ends).
            return;
        }
        context.Cancel = true;
        Volatile.Write(ref _exitCode, context.Signal == PosixSignal.SIGTERM ? 143 : Commands.Interrupted);
        Console.Error.WriteLine($"{context.Signal}: stopping; send it again to end at once.");
        _stop.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
