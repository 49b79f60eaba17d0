namespace DetainerGraph.Search;

/// <summary>
/// The embedded index is held by another process (its process lock: a running server, or another command): this process
/// may neither write nor rebuild it. An <see cref="IOException"/>, as every other index failure, so the callers that leave
/// their writes to the outbox treat it alike; the <c>reindex</c> command tells it apart to say what to do.
/// </summary>
public sealed class SearchIndexInUseException(string message, Exception inner) : IOException(message, inner);
