namespace DetainerGraph.Data;

/// <summary>
/// A unit of search indexing owed, written in the same transaction as the data it describes. One row per
/// imported source, not per charge: an import is already one transaction per file, the row stays tiny
/// whatever the file's size, and the worker rebuilds the documents from the committed rows
/// (<c>Charges</c> of detainers with this <see cref="SourceId"/>), so the index never holds a value the
/// database does not. Indexing is keyed by charge id, so draining a row twice is harmless.
/// A correction writes a row for the one detainer it touched (<see cref="DetainerId"/>) instead of a source.
/// </summary>
public sealed class SearchOutboxEntry
{
    public long Id { get; set; }
    /// <summary>The imported source whose charges are owed; null for a detainer's row.</summary>
    public int? SourceId { get; set; }
    /// <summary>The corrected or retracted detainer whose charges are owed; null for an import's row.</summary>
    public long? DetainerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the documents reached the index; null while owed.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }
    public int Attempts { get; set; }
    /// <summary>The last failure's message, for operators (never shown to API clients).</summary>
    public string? LastError { get; set; }
}
