using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

/// <summary>
/// Tells EF Core that a statement stopped by <see cref="SqliteInterrupt"/> (SQLITE_INTERRUPT while its token is
/// cancelled: the execution timeout, or the client leaving) was cancelled, not failed. EF Core then logs it as
/// <c>CommandCanceled</c>/<c>QueryCanceled</c> at Debug level instead of <c>CommandError</c>/<c>QueryIterationFailed</c>
/// at Error: a request the client ended or let run out is not a server failure. Any other exception is a failure as before.
/// </summary>
public sealed class SqliteInterruptDetector : IExceptionDetector
{
    public bool IsCancellation(Exception exception, CancellationToken cancellationToken = default) =>
        exception is OperationCanceledException
        || (cancellationToken.IsCancellationRequested && SqliteInterrupt.IsInterrupt(exception));
}
