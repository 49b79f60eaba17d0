using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Search;
using DetainerGraph.Search.Analysis;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Charges;

/// <summary>
/// One page of search hits (its total exact, from the engine), with what is needed to count facets over all hits on demand.
/// A next page exists when more hits follow within <see cref="ChargeSearchRequest.MaxResultWindow"/>: past it every page is
/// refused, so the page that reaches the window's end says <c>hasNextPage: false</c> (a client following it got
/// <c>SEARCH_WINDOW_TOO_LARGE</c>); <c>totalCount</c> still counts every hit.
/// </summary>
public sealed class ChargeSearchPage(
    ChargeSearchResult result,
    int offset,
    Func<IReadOnlyList<SearchFacet>, CancellationToken, Task<IReadOnlyList<FacetResult>>> facets)
    : Connection<ChargeSearchHit>(result.Hits, offset,
        offset + result.Hits.Count < Math.Min(result.TotalCount, ChargeSearchRequest.MaxResultWindow), _ => Task.FromResult(result.TotalCount))
{
    public string? Suggestion => result.Suggestion;
    public Task<IReadOnlyList<FacetResult>> FacetsAsync(IReadOnlyList<SearchFacet> fields, CancellationToken ct) => facets(fields, ct);
}

/// <summary>The connection of every list, with the hits' wording, plus the suggestion and the facets.</summary>
public sealed class ChargeSearchConnectionGraphType : ConnectionGraphType<ChargeSearchHitGraphType, ChargeSearchHit>
{
    public ChargeSearchConnectionGraphType()
        : base("ChargeSearchConnection", "A page of charge search hits, best first, with the total, facets and a suggestion.", new ConnectionDescriptions(
            Nodes: "The hits of this page, best first.",
            Edges: "The hits of this page with their cursors.",
            TotalCount: "How many charges match the query and filters, across all pages (exact). Charges, not detainers: a detainer with two matching charges counts twice.",
            SyntheticExcluded: SyntheticRecords.ExcludedDescription + " Here: the synthetic charges that match the query and filters. Counted only when asked for."))
    {
        Field<StringGraphType>("suggestion")
            .Description("When nothing matched: the query with each unknown word replaced by the nearest indexed word (\"did you mean\"), or null.")
            .Resolve(c => ((ChargeSearchPage)c.Source).Suggestion);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ChargeSearchFacetGraphType>>>>("facets")
            .Description("Counts of hits (charges, not detainers) per value of each field asked for, over all hits (not just this page). Hits without a value are counted in a bucket whose value is null.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<ChargeSearchFacetFieldGraphType>>>>("fields", "The fields to count by, in the order wanted.")
            .ResolveAsync(async c =>
            {
                var fields = c.GetArgument<List<SearchFacet>>("fields");
                // Facets come back in the order asked, one per field: a repeat dropped silently would shift every facet
                // after it for a client that reads them by position.
                if (fields.Distinct().Count() != fields.Count)
                {
                    throw new ExecutionError("Ask for each facet field at most once.") { Code = "INVALID_FACET_FIELDS" };
                }
                var results = await ((ChargeSearchPage)c.Source).FacetsAsync([.. fields.Distinct()], c.CancellationToken);
                return results.Select(r => new FacetView(r.Field, [.. r.Buckets.Select(b => new FacetBucketView(r.Field, b.Value, ToView(c.Schema, r.Field, b)))])).ToList();
            });
    }

    /// <summary>Bucket values are what the filters take: jurisdiction IDs, enum names as the schema spells them, ISO dates.</summary>
    private static FacetBucket ToView(ISchema schema, SearchFacet field, FacetBucket bucket)
    {
        if (bucket.Value is null)
        {
            return bucket;
        }
        return field switch
        {
            SearchFacet.Jurisdiction => bucket with { Value = GlobalId.Encode("Jurisdiction", bucket.Value) },
            SearchFacet.Outcome => bucket with { Value = EnumName<DetainerOutcome>(schema, "DetainerOutcome", bucket.Value), Label = Enum.TryParse<DetainerOutcome>(bucket.Value, out var outcome) ? OutcomeLabel(outcome) : bucket.Value },
            SearchFacet.Status => bucket with { Value = EnumName<ChargeStatus>(schema, "ChargeStatus", bucket.Value), Label = Enum.TryParse<ChargeStatus>(bucket.Value, out var status) ? status.ToString() : bucket.Value },
            SearchFacet.SourceKind => bucket with { Value = EnumName<SourceKind>(schema, "SourceKind", bucket.Value), Label = Enum.TryParse<SourceKind>(bucket.Value, out var kind) ? SourceKindLabel(kind) : bucket.Value },
            _ => bucket,
        };
    }

    /// <summary>
    /// An outcome for people, as a facet list shows it: ICE's own wording of the lift reason ("Booked into Detention"),
    /// which the enum names abbreviate; the two outcomes outside ICE's vocabulary by their plain names.
    /// </summary>
    internal static string OutcomeLabel(DetainerOutcome outcome) => outcome switch
    {
        DetainerOutcome.Open => "Open",
        DetainerOutcome.Other => "Other",
        _ => Import.Values.LiftReasonOf(outcome),
    };

    internal static string SourceKindLabel(SourceKind kind) => kind == SourceKind.Synthetic ? "Synthetic demo" : "Published";

    private static string EnumName<TEnum>(ISchema schema, string typeName, string value)
        where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(value, out var parsed) && schema.AllTypes[typeName] is EnumerationGraphType type
            && type.Values.FindByValue(parsed) is { } found
            ? found.Name
            : value;
}

public sealed record FacetView(SearchFacet Field, IReadOnlyList<FacetBucketView> Buckets);

/// <summary>A bucket as shown (<paramref name="View"/>) with the engine's own value (<paramref name="Raw"/>) for the typed fields.</summary>
public sealed record FacetBucketView(SearchFacet Field, string? Raw, FacetBucket View);

public sealed class ChargeSearchFacetGraphType : ObjectGraphType<FacetView>
{
    public ChargeSearchFacetGraphType()
    {
        Name = "ChargeSearchFacet";
        Description = "The hits counted by the values of one field.";
        Field<NonNullGraphType<ChargeSearchFacetFieldGraphType>>("field").Description("The field counted.").Resolve(c => c.Source.Field);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ChargeSearchFacetBucketGraphType>>>>("buckets")
            .Description("One bucket per value, most hits first; the null-valued bucket last. The counts add up to `totalCount`.")
            .Resolve(c => c.Source.Buckets);
    }
}

public sealed class ChargeSearchFacetBucketGraphType : ObjectGraphType<FacetBucketView>
{
    public ChargeSearchFacetBucketGraphType()
    {
        Name = "ChargeSearchFacetBucket";
        Description = "A value of a facet field and how many hits carry it. Besides `value` (a string for every field), the typed field for the facet's own kind is set, so a bucket feeds straight back into a filter.";
        Field<DetainerOutcomeGraphType>("outcome").Description("The OUTCOME facet's value, as the `outcome` filter takes it.")
            .Resolve(c => c.Source.Field == SearchFacet.Outcome && Enum.TryParse<DetainerOutcome>(c.Source.Raw, out var outcome) ? outcome : null);
        Field<ChargeStatusGraphType>("chargeStatus").Description("The STATUS facet's value, as the `chargeStatus` argument takes it.")
            .Resolve(c => c.Source.Field == SearchFacet.Status && Enum.TryParse<ChargeStatus>(c.Source.Raw, out var status) ? status : null);
        Field<SourceKindGraphType>("sourceKind").Description("The SOURCE_KIND facet's value, as the `sourceKind` argument and filter take it.")
            .Resolve(c => c.Source.Field == SearchFacet.SourceKind && Enum.TryParse<SourceKind>(c.Source.Raw, out var kind) ? kind : null);
        Field<IsoDateGraphType>("week").Description("The WEEK facet's value: the week's Saturday, as `week: { start: { eq } }` takes it.")
            .Resolve(c => c.Source.Field == SearchFacet.Week
                && DateOnly.TryParseExact(c.Source.Raw, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var week) ? week : null);
        Field<JurisdictionGraphType>("jurisdiction").Description("The JURISDICTION facet's value: the jurisdiction, whose `id` the `jurisdiction: { id: { eq } }` filter takes.")
            .Resolve(c => c.Source.Field == SearchFacet.Jurisdiction && int.TryParse(c.Source.Raw, System.Globalization.CultureInfo.InvariantCulture, out var id) ? c.LoadJurisdiction(id) : null);
        Field("value", b => b.View.Value, nullable: true).Description("The value: a state code (filter with `where: { jurisdiction: { state: { eq } } }`), a jurisdiction's global ID (`jurisdiction: { id: { eq } }`, `node(id:)`), a YYYY-MM-DD week start (`week: { start: { eq } }`), an enum value (`outcome: { eq }`, `chargeStatus`), a category (`chargeCategory`), a country (`citizenship: { eq }`) or a source kind (`sourceKind`); null for hits without one.");
        Field("label", b => b.View.Label, nullable: true).Description("The value for people: e.g. \"Travis County, TX\" for a jurisdiction, ICE's wording (\"Detainer Declined by LEA\") for an outcome, \"Conviction\" for a status, \"Published\" or \"Synthetic demo\" for a source kind; null for hits without a value.");
        Field("count", b => b.View.Count).Description("How many hits carry this value.");
    }
}

public sealed class ChargeSearchFacetFieldGraphType : EnumerationGraphType<SearchFacet>
{
    public ChargeSearchFacetFieldGraphType()
    {
        Name = "ChargeSearchFacetField";
        Description = "A field that search hits can be counted by.";
    }
}

public sealed class ChargeSearchHitGraphType : ObjectGraphType<ChargeSearchHit>
{
    /// <summary>The <c>query</c> argument of the <c>searchCharges</c> field this hit came from.</summary>
    private static string SearchQueryOf(IResolveFieldContext context)
    {
        for (var c = context.Parent; c is not null; c = c.Parent)
        {
            if (c.FieldDefinition.Name == "searchCharges")
            {
                return c.GetArgument<string>("query");
            }
        }
        return "";
    }

    public ChargeSearchHitGraphType()
    {
        Name = "ChargeSearchHit";
        Description = "A charge that matches a search, with its relevance and highlighted text.";
        Field(h => h.Score).Description("Relevance (BM25); higher is better. Comparable only within one search.");
        Field(h => h.Highlight).Description("The charge description, HTML-escaped, with the matched words (including synonym and stem matches) wrapped in `<mark>…</mark>`.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MatchReasonGraphType>>>>("why")
            .Description("Why the charge matched: one entry per query word, saying whether the text says it, a synonym, an abbreviation (`CCW` → carrying concealed weapon), a run-together word, a concept (`CCW` answers \"firearm\" as a weapon offense) or the NCIC category put it there. Computed only when selected; empty for an empty query.")
            .Resolve(c =>
            {
                var query = ChargeQuery.Parse(SearchQueryOf(c));
                var reader = ChargeReader.Shipped;
                return c.LoadCharge(c.Source.ChargeId).Then(charge => charge is null ? [] : MatchExplainer.Explain(reader, query, charge.Description, charge.NcicCode, charge.Category));
            });
        Field<NonNullGraphType<ChargeGraphType>>("charge")
            .Description("The charge, read from the database.")
            .Resolve(c => c.LoadCharge(c.Source.ChargeId));
        Field<NonNullGraphType<DetainerGraphType>>("detainer")
            .Description("The detainer that lists the charge, read from the database.")
            .Resolve(c => c.RequestServices!.GetRequiredService<SearchHitDetainers>().Of(c.Source) is { } narrow ? narrow : c.LoadDetainer(c.Source.DetainerId));
    }
}

public sealed class MatchReasonGraphType : ObjectGraphType<MatchReason>
{
    public MatchReasonGraphType()
    {
        Name = "SearchMatchReason";
        Description = "Why one word of a search query matched a charge.";
        Field(r => r.Word).Description("The query word, as typed.");
        Field<NonNullGraphType<SearchMatchKindGraphType>>("kind").Description("How it matched.").Resolve(c => c.Source.Kind);
        Field(r => r.From).Description("What in the charge matched it: the word itself, the abbreviation (e.g. `CCW`), the concept's matching words, or the category.");
        Field(r => r.Detail).Description("The reading and its basis, for people: e.g. `CCW reads as \"carrying concealed weapon\": NCIC 5202 …`.");
    }
}

public sealed class SearchMatchKindGraphType : EnumerationGraphType
{
    public SearchMatchKindGraphType()
    {
        Name = "SearchMatchKind";
        Description = "How a query word met a charge.";
        Add("TEXT", MatchKind.Text, "The charge text says the word (same stem).");
        Add("SYNONYM", MatchKind.Synonym, "A synonym rule put the word on the text (UPCS for \"drug possession\").");
        Add("ABBREVIATION", MatchKind.Abbreviation, "A token of the text abbreviates the word (TRSP for trespass), from the curated list or learned from the lexicon.");
        Add("RUN_TOGETHER", MatchKind.RunTogether, "A run-together token holds the word (CARRYDANGWPNKNIFE).");
        Add("CONCEPT", MatchKind.Concept, "The text falls under a concept that uses the word (a weapon offense answers \"firearm\").");
        Add("CATEGORY", MatchKind.Category, "The charge's NCIC code or category has the word, or a synonym rule reads the category as it (`detail` says which).");
        Add("NEAR_SPELLING", MatchKind.NearSpelling, "A word of the charge is a near spelling of the word (typo tolerance) or starts with it (a prefix); `from` names that word.");
        Add("UNDETERMINED", MatchKind.Undetermined, "The engine matched the charge, but no reading was found to say why: said plainly rather than guessed.");
    }
}
