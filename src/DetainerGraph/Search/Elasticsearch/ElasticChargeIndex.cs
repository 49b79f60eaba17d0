using System.Text.Json.Serialization;
using DetainerGraph.Search.Analysis;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;

namespace DetainerGraph.Search.Elasticsearch;

/// <summary>
/// The Elasticsearch index: its field names, its analysis (the same chain as <see cref="ChargeAnalysis"/> on
/// Lucene) and its mapping. Synonyms are applied at index time with the plain <c>synonym</c> filter, as Lucene
/// does: a query word then meets the synonym tokens stacked in the document, multi-word rules included, and
/// the search analyzer needs no synonyms. (Elasticsearch's own advice for index-time synonyms is the plain
/// filter; <c>synonym_graph</c> is for search analyzers.)
/// </summary>
public static class ElasticChargeIndex
{
    public const string ChargeId = "charge_id";
    public const string DetainerId = "detainer_id";
    public const string Description = "description";
    /// <summary>The description unstemmed (lower case, ASCII folded): prefixes and "did you mean".</summary>
    public const string Words = "description.words";
    public const string Codes = "codes";
    /// <summary>
    /// What <see cref="Analysis.ChargeReader"/> reads the description as (abbreviations, run-together words, concepts),
    /// computed by our code at index time as on Lucene; queries weight it below the text (<see cref="ExpandedWeight"/>).
    /// </summary>
    public const string Expanded = "expanded";
    /// <summary>The weight of <see cref="Expanded"/> in queries, as on Lucene: a text that says the word outright ranks first.</summary>
    public const float ExpandedWeight = 0.3f;
    public const string State = "state";
    public const string JurisdictionId = "jurisdiction_id";
    /// <summary><c>{id}|{name}, {state}</c>: the jurisdiction facet's value and label in one keyword.</summary>
    public const string JurisdictionFacet = "jurisdiction_facet";
    public const string Week = "week";
    public const string Outcome = "outcome";
    public const string DetainerType = "detainer_type";
    public const string Citizenship = "citizenship";
    public const string Status = "status";
    public const string Category = "category";
    public const string IssuedOn = "issued_on";
    /// <summary><c>File</c> or <c>Synthetic</c>: the kind of the detainer's source, so published-only counts are exact in the engine.</summary>
    public const string SourceKind = "source_kind";

    public const string IndexAnalyzer = "charge_index";
    public const string QueryAnalyzer = "charge_query";
    public const string PlainAnalyzer = "charge_plain";

    /// <summary>The facet field each facet counts.</summary>
    public static string FacetField(SearchFacet facet) => facet switch
    {
        SearchFacet.State => State,
        SearchFacet.Jurisdiction => JurisdictionFacet,
        SearchFacet.Week => Week,
        SearchFacet.Outcome => Outcome,
        SearchFacet.ChargeCategory => Category,
        SearchFacet.Status => Status,
        SearchFacet.Citizenship => Citizenship,
        SearchFacet.SourceKind => SourceKind,
        _ => throw new ArgumentOutOfRangeException(nameof(facet)),
    };

    /// <summary>The rules of the synonym file (Solr format), comments and blank lines left out.</summary>
    public static List<string> ReadSynonymRules(string path) =>
        [.. File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>
    /// The analysis the alias's index was built with, from its mapping's <c>_meta</c>: null when it names none (made
    /// before fingerprints) or when the alias points at more than one index (never made by this code: not current).
    /// </summary>
    public static string? BuiltWith(GetMappingResponse response) =>
        response.Mappings.Count == 1
        && response.Mappings.Values.Single().Mappings.Meta is { } meta
        && meta.TryGetValue(AnalysisFingerprint.Key, out var value)
            ? value?.ToString()
            : null;

    /// <summary>Lucene.NET 4.8's tokenizer drops words longer than this; the index drops them too.</summary>
    public const int MaxWordLength = 64;

    /// <summary>
    /// The body of <c>PUT /{index}</c>: one shard (exact counts and BM25 statistics over the whole index), a
    /// replica only where a second node can hold it (<c>auto_expand_replicas: 0-1</c>: green on one node),
    /// analysis, strict mapping.
    /// <para>The tokenizer matches Lucene.NET 4.8's on the two points where Lucene 10 differs: a word longer than
    /// <see cref="MaxWordLength"/> is dropped, not split into 64-character pieces (a tokenizer limit far above it,
    /// then a <c>length</c> filter), and emoji are not words (<c>keep_types</c> excluding <c>&lt;EMOJI&gt;</c>).
    /// Query words are analysed by <see cref="ChargeQueryPlan"/> in .NET, so the search analyzer only serves
    /// highlighting and the suggester.</para>
    /// </summary>
    public static void Define(CreateIndexRequestDescriptor<ElasticChargeDocument> index, IReadOnlyList<string> synonyms, string analysis) => index
        .Settings(s => s
            .NumberOfShards(1)
            .AutoExpandReplicas("0-1")
            .MaxResultWindow(ChargeSearchRequest.MaxResultWindow)
            .Analysis(a => a
                .CharFilters(c => c.Mapping("charge_separators", m => m.Mappings([.. ChargeAnalysis.WordSeparators.Select(ch => $"\\u{(int)ch:X4}=>\\u0020")])))
                .Tokenizers(t => t.Standard("charge_tokenizer", st => st.MaxTokenLength(1024 * 1024)))
                .TokenFilters(f => f
                    .Length("charge_word_length", l => l.Max(MaxWordLength))
                    .KeepTypes("charge_no_emoji", k => k.Types(["<EMOJI>"]).Mode(Elastic.Clients.Elasticsearch.Analysis.KeepTypesMode.Exclude))
                    .Synonym("charge_synonyms", sy => sy.Synonyms([.. synonyms]).Expand(true).Lenient(false))
                    .Stemmer("charge_possessive", st => st.Language("possessive_english")))
                .Analyzers(an => an
                    .Custom(IndexAnalyzer, c => c.CharFilter("charge_separators").Tokenizer("charge_tokenizer")
                        .Filter("charge_word_length", "charge_no_emoji", "lowercase", "asciifolding", "charge_synonyms", "charge_possessive", "porter_stem", "remove_duplicates"))
                    .Custom(QueryAnalyzer, c => c.CharFilter("charge_separators").Tokenizer("charge_tokenizer")
                        .Filter("charge_word_length", "charge_no_emoji", "lowercase", "asciifolding", "charge_possessive", "porter_stem", "remove_duplicates"))
                    .Custom(PlainAnalyzer, c => c.CharFilter("charge_separators").Tokenizer("charge_tokenizer")
                        .Filter("charge_word_length", "charge_no_emoji", "lowercase", "asciifolding")))))
        .Mappings(m => m
            .Meta(new Dictionary<string, object> { [AnalysisFingerprint.Key] = analysis })
            .Dynamic(Elastic.Clients.Elasticsearch.Mapping.DynamicMapping.Strict)
            .Properties(p => p
                .LongNumber(ChargeId)
                .LongNumber(DetainerId, l => l.Index(false))
                .Text(Description, t => t.Analyzer(IndexAnalyzer).SearchAnalyzer(QueryAnalyzer)
                    .Fields(f => f.Text("words", w => w.Analyzer(PlainAnalyzer))))
                .Text(Codes, t => t.Analyzer(IndexAnalyzer).SearchAnalyzer(QueryAnalyzer))
                .Text(Expanded, t => t.Analyzer(IndexAnalyzer).SearchAnalyzer(QueryAnalyzer))
                .Keyword(State)
                .Keyword(JurisdictionId)
                .Keyword(JurisdictionFacet)
                .Date(Week, d => d.Format("strict_date"))
                .Keyword(Outcome)
                .Keyword(DetainerType)
                .Keyword(Citizenship)
                .Keyword(Status)
                .Keyword(Category)
                .Date(IssuedOn, d => d.Format("strict_date"))
                .Keyword(SourceKind)));
}

/// <summary>One charge as Elasticsearch stores it (<c>_source</c>); <c>_id</c> is the charge id.</summary>
public sealed record ElasticChargeDocument(
    [property: JsonPropertyName(ElasticChargeIndex.ChargeId)] long ChargeId,
    [property: JsonPropertyName(ElasticChargeIndex.DetainerId)] long DetainerId,
    [property: JsonPropertyName(ElasticChargeIndex.Description)] string Description,
    [property: JsonPropertyName(ElasticChargeIndex.Codes)] string? Codes,
    [property: JsonPropertyName(ElasticChargeIndex.State)] string? State,
    [property: JsonPropertyName(ElasticChargeIndex.JurisdictionId)] string? JurisdictionId,
    [property: JsonPropertyName(ElasticChargeIndex.JurisdictionFacet)] string? JurisdictionFacet,
    [property: JsonPropertyName(ElasticChargeIndex.Week)] string? Week,
    [property: JsonPropertyName(ElasticChargeIndex.Outcome)] string Outcome,
    [property: JsonPropertyName(ElasticChargeIndex.DetainerType)] string DetainerType,
    [property: JsonPropertyName(ElasticChargeIndex.Citizenship)] string? Citizenship,
    [property: JsonPropertyName(ElasticChargeIndex.Status)] string Status,
    [property: JsonPropertyName(ElasticChargeIndex.Category)] string? Category,
    [property: JsonPropertyName(ElasticChargeIndex.IssuedOn)] string? IssuedOn,
    [property: JsonPropertyName(ElasticChargeIndex.SourceKind)] string SourceKind,
    [property: JsonPropertyName(ElasticChargeIndex.Expanded)] string? Expanded = null)
{
    public static ElasticChargeDocument From(ChargeDocument d) => new(
        d.ChargeId,
        d.DetainerId,
        d.Description,
        ChargeDocuments.Codes(d),
        d.State,
        d.JurisdictionId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        d.JurisdictionId is { } j ? $"{j}|{d.JurisdictionName}, {d.State}" : null,
        d.WeekStart?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        d.Outcome.ToString(),
        d.DetainerType.ToString(),
        d.Citizenship,
        d.Status.ToString(),
        d.Category,
        d.IssuedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        d.SourceKind.ToString(),
        ChargeDocuments.Expanded(d, Analysis.ChargeReader.Shipped));
}
