using System.ComponentModel;
using DetainerGraph.Data;

namespace DetainerGraph.Search;

/// <summary>
/// The search engine behind <c>searchCharges</c>: Lucene.NET embedded, or Elasticsearch 9 (<c>Search:Provider</c>).
/// Every implementation filters, counts and facets inside the engine, so totals and pages are exact.
/// </summary>
public interface IChargeSearch
{
    /// <summary>Adds or replaces documents, keyed by charge id. Visible to searches when the call returns.</summary>
    Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct);

    /// <summary>Removes documents by charge id; unknown ids are ignored.</summary>
    Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct);

    /// <summary>
    /// Builds a complete new index from <paramref name="documents"/> and switches searches to it only when
    /// it is complete: a search never sees a half-built index.
    /// </summary>
    Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct);

    Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct);

    /// <summary>How many documents the index holds.</summary>
    Task<long> CountAsync(CancellationToken ct);

    /// <summary>
    /// Whether the index was built with the analysis this engine indexes with now (<see cref="Analysis.AnalysisFingerprint"/>):
    /// false for an index built before an upgrade changed the synonyms, abbreviations, concepts, vocabularies or the
    /// analysis code (its documents answer by the old rules until rebuilt), or one that does not say. True when there is
    /// no index yet.
    /// </summary>
    Task<bool> IsAnalysisCurrentAsync(CancellationToken ct);
}

/// <summary>One search document per charge, with the detainer fields that filters and facets need.</summary>
public sealed record ChargeDocument(
    long ChargeId,
    long DetainerId,
    string Description,
    string? NcicCode,
    string? Category,
    ChargeStatus Status,
    string? State,
    int? JurisdictionId,
    string? JurisdictionName,
    DateOnly? WeekStart,
    DetainerOutcome Outcome,
    DetainerType DetainerType,
    string? Citizenship,
    DateOnly? IssuedOn,
    bool IsSynthetic = false)
{
    /// <summary>The kind of the detainer's source, as the index stores it.</summary>
    public SourceKind SourceKind => IsSynthetic ? SourceKind.Synthetic : SourceKind.File;
}

/// <summary>Structured conditions, all ANDed; a null list means "any", an empty list matches nothing.</summary>
public sealed class ChargeSearchFilter
{
    public IReadOnlyList<string>? States { get; set; }
    public IReadOnlyList<int>? JurisdictionIds { get; set; }
    public DateOnly? WeekFrom { get; set; }
    public DateOnly? WeekTo { get; set; }
    /// <summary>Reporting weeks by their Saturday.</summary>
    public IReadOnlyList<DateOnly>? WeekStarts { get; set; }
    public IReadOnlyList<DetainerOutcome>? Outcomes { get; set; }
    public IReadOnlyList<DetainerType>? DetainerTypes { get; set; }
    public IReadOnlyList<string>? Citizenships { get; set; }
    public IReadOnlyList<ChargeStatus>? Statuses { get; set; }
    public IReadOnlyList<string>? Categories { get; set; }
    /// <summary>The kinds of source the charge's detainer may come from: published files by default (see ChargeSearchQueries).</summary>
    public IReadOnlyList<SourceKind>? SourceKinds { get; set; }

    /// <summary>A copy with other source kinds (e.g. to count the synthetic hits a published-only search left out).</summary>
    public ChargeSearchFilter WithSourceKinds(IReadOnlyList<SourceKind>? kinds)
    {
        var copy = (ChargeSearchFilter)MemberwiseClone();
        copy.SourceKinds = kinds;
        return copy;
    }
}

public enum SearchFacet
{
    [Description("The state (two-letter code) of the jurisdiction the detainer was issued to.")]
    State,
    [Description("The jurisdiction the detainer was issued to.")]
    Jurisdiction,
    [Description("The reporting week (its Saturday).")]
    Week,
    [Description("The detainer's outcome.")]
    Outcome,
    [Description("The charge's NCIC block, e.g. \"Traffic Offense\".")]
    ChargeCategory,
    [Description("Pending charge or conviction.")]
    Status,
    [Description("The person's country of citizenship.")]
    Citizenship,
    [Description("The kind of the detainer's source: FILE (published records) or SYNTHETIC (the generated demo).")]
    SourceKind,
}

public sealed record ChargeSearchRequest(
    ChargeQuery Query,
    ChargeSearchFilter Filter,
    int Offset,
    int Limit,
    IReadOnlyList<SearchFacet> Facets,
    bool Highlight = true,
    SearchAfterKey? After = null)
{
    /// <summary>Searches may page this deep at most: Elasticsearch's default <c>index.max_result_window</c>, on both engines.</summary>
    public const int MaxResultWindow = 10_000;

    /// <summary>Refuses a page past <see cref="MaxResultWindow"/> with a code the client can act on.</summary>
    public void CheckWindow()
    {
        if (Offset < 0 || Limit < 0 || (long)Offset + Limit > MaxResultWindow)
        {
            throw new SearchQueryException("SEARCH_WINDOW_TOO_LARGE",
                $"Search results can be paged to the first {MaxResultWindow} hits; narrow the query or the filters.");
        }
    }
}

/// <summary>
/// The sort key of the last hit of the previous page (hits sort by score, then charge id): the next page starts
/// after it (Elasticsearch's <c>search_after</c>) instead of at <see cref="ChargeSearchRequest.Offset"/>.
/// </summary>
public sealed record SearchAfterKey(float Score, long ChargeId);

public sealed record ChargeSearchHit(long ChargeId, long DetainerId, float Score, string Highlight);

/// <summary>A facet value and how many hits carry it; <see cref="Value"/> null is the "no value" bucket.</summary>
public sealed record FacetBucket(string? Value, string? Label, int Count);

public sealed record FacetResult(SearchFacet Field, IReadOnlyList<FacetBucket> Buckets);

public sealed record ChargeSearchResult(int TotalCount, IReadOnlyList<ChargeSearchHit> Hits, IReadOnlyList<FacetResult> Facets, string? Suggestion);

/// <summary>The engine is down or failed: only search fails, with a code and no engine text.</summary>
public sealed class SearchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
