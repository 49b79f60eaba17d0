using System.Runtime.InteropServices;

namespace DetainerGraph.Cli;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM while a command runs: the first asks the command to stop (its token is cancelled, so an
/// import rolls its file back, a reindex keeps the live index, a generated file is not left half-written) and the
/// command reports what was kept; a second one ends the process at once, as without this. The program hands the command's
/// result to <see cref="Finish"/>, which says so when the command finished before a stop could take effect.
/// </summary>
public sealed class CommandInterrupt : IDisposable
{
    private const int Running = 0;
    private const int Stopping = 1;
    private const int Finished = 2;

    // Never disposed: a signal may come while the command returns, and cancelling then must not throw.
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _exitCode = Commands.Interrupted;
    private int _phase = Running;

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

    internal void Signalled(PosixSignalContext context)
    {
        var phase = Interlocked.CompareExchange(ref _phase, Stopping, Running);
        if (phase == Finished)
        {
            // The command has returned and the process is exiting with its result: nothing is left to stop, and saying
            // "stopping" would claim a stop that does not happen.
            context.Cancel = true;
            return;
        }
        if (phase == Stopping)
        {
            // The second signal: the runtime's default (the process ends).
            return;
        }
        context.Cancel = true;
        Volatile.Write(ref _exitCode, context.Signal == PosixSignal.SIGTERM ? 143 : Commands.Interrupted);
        Console.Error.WriteLine($"{context.Signal}: stopping; send it again to end at once.");
        _stop.Cancel();
    }

    /// <summary>
    /// The command has returned <paramref name="exit"/>: the process's exit code (<see cref="ExitCode"/> for a command the
    /// signal stopped). A signal from now on is not reported. When the stop came during the command's last steps, which
    /// are not cancelled (a rebuilt index already live, an import already committed, a file already in place), the command
    /// finished anyway: that is said, so the "stopping" line is not left standing for a stop that did not happen.
    /// </summary>
    public int Finish(string verb, int exit)
    {
        var phase = Interlocked.Exchange(ref _phase, Finished);
        if (exit == Commands.Interrupted)
        {
            return ExitCode;
        }
        if (phase == Stopping)
        {
            Console.Error.WriteLine($"{verb}: it finished before the stop could take effect; nothing was undone (exit {exit}).");
        }
        return exit;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
