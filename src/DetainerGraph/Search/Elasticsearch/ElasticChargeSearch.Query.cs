using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;

namespace DetainerGraph.Search.Elasticsearch;

/// <summary>
/// The <c>_search</c> bodies, built from a <see cref="ChargeQueryPlan"/>: the terms are analysed in .NET by the
/// same chain as the index, so they go out as <c>term</c>, <c>fuzzy</c>, <c>prefix</c> and whitespace-analysed
/// <c>match_phrase</c> queries and mean exactly what the Lucene engine's queries mean.
/// </summary>
public sealed partial class ElasticChargeSearch
{
    private const string KnownAggregation = "known";

    /// <summary>
    /// The lookup that tells which <paramref name="terms"/> the index holds in the description: one
    /// <c>filters</c> aggregation of <c>term</c> queries, no hits, no total (request-cached by the cluster).
    /// Bucket <c>i</c> counts the documents holding term <c>i</c>; 0 means the index lacks it.
    /// </summary>
    public static SearchRequest<ElasticChargeDocument> BuildTermLookup(string index, IReadOnlyList<string> terms) =>
        new(Indices.Parse(index))
        {
            Size = 0,
            TrackTotalHits = new TrackHits(false),
            RequestCache = true,
            Aggregations = new Dictionary<string, Aggregation>
            {
                [KnownAggregation] = new FiltersAggregation
                {
                    // Anonymous filters (an array): the buckets come back as an array in the same order.
                    Filters = new Buckets<Query>([.. terms.Select(t => (Query)new TermQuery { Field = ElasticChargeIndex.Description, Value = t })]),
                },
            },
        };

    /// <summary>The <c>_search</c> request for <paramref name="request"/> read as <paramref name="plan"/> (public for the request-body snapshots).</summary>
    public static SearchRequest<ElasticChargeDocument> BuildSearch(string index, ChargeSearchRequest request, ChargeQueryPlan plan)
    {
        var search = new SearchRequest<ElasticChargeDocument>(Indices.Parse(index))
        {
            Query = BuildQuery(plan, request.Filter),
            TrackTotalHits = new TrackHits(true),
            Size = request.Limit,
            Source = new SourceConfig(new SourceFilter { Includes = Fields.FromStrings([ElasticChargeIndex.ChargeId, ElasticChargeIndex.DetainerId, ElasticChargeIndex.Description]) }),
            Sort =
            [
                new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } },
                new SortOptions { Field = new FieldSort { Field = ElasticChargeIndex.ChargeId, Order = SortOrder.Asc } },
            ],
        };
        if (request.After is { } after)
        {
            search.SearchAfter = [FieldValue.Double(after.Score), FieldValue.Long(after.ChargeId)];
        }
        else if (request.Offset > 0)
        {
            search.From = request.Offset;
        }
        if (request.Limit > 0 && request.Highlight && plan.Clauses.Count > 0)
        {
            search.Highlight = new Highlight
            {
                // Markers on the raw text, escaped by ChargeHighlight exactly as the Lucene engine's highlights are.
                PreTags = [ChargeHighlight.Open],
                PostTags = [ChargeHighlight.Close],
                // Only the words mark the text: without this the unified highlighter also applies the filters'
                // values (a jurisdiction id 43 marked the "43" of "INA SEC.101(a)(43)").
                HighlightQuery = TextQuery(plan),
                Fields = new Dictionary<Field, HighlightField>
                {
                    // The whole description (one fragment of it all). Terms of the codes and unstemmed-words clauses
                    // are the same strings as the description's, so they mark what the Lucene engine marks.
                    [ElasticChargeIndex.Description] = new HighlightField { NumberOfFragments = 0, RequireFieldMatch = false },
                },
            };
        }
        if (request.Facets.Count > 0)
        {
            var aggregations = new Dictionary<string, Aggregation>();
            foreach (var facet in request.Facets)
            {
                var field = ElasticChargeIndex.FacetField(facet);
                aggregations[FacetName(facet)] = new TermsAggregation { Field = field, Size = FacetSize };
                // Hits without a value: their own bucket, counted by a missing aggregation beside the terms.
                aggregations[FacetName(facet) + MissingSuffix] = new MissingAggregation { Field = field };
            }
            search.Aggregations = aggregations;
        }
        if (request.Limit > 0 && request.Query.Clauses.Count > 0)
        {
            // "Did you mean": asked for with every search that has words, read only when nothing matched
            // (one round trip instead of two); only words the index lacks get options. A term suggester has one
            // max_edits for all its words, so there is one per band of ChargeQuery.AutoEdits, each skipping the words
            // shorter than its band; ReadSuggestion takes each word's option from the band ChargeQueryPlan.SuggestionEdits
            // gives it (none for 3 letters or fewer, digits, or a word the search knows), as the Lucene engine does.
            search.Suggest = new Suggester
            {
                Text = SuggestText(request.Query),
                Suggesters = new Dictionary<string, FieldSuggester>
                {
                    [SuggesterName(1)] = WordSuggester(1, ChargeQuery.OneEditFrom),
                    [SuggesterName(2)] = WordSuggester(2, ChargeQuery.TwoEditsFrom),
                },
            };
        }
        return search;
    }

    /// <summary>The plan's clauses as Elasticsearch queries: each clause must match; filters go to <c>bool.filter</c> (no scoring).</summary>
    public static Query BuildQuery(ChargeQueryPlan plan, ChargeSearchFilter filter)
    {
        if (plan.MatchesNothing)
        {
            // Text made only of symbols or emoji has no words: it matches nothing rather than everything.
            return new MatchNoneQuery();
        }
        var must = plan.Clauses.Select(ClauseQuery).ToList();
        var filters = BuildFilters(filter);
        if (must.Count == 0 && filters.Count == 0)
        {
            return new MatchAllQuery();
        }
        return new BoolQuery
        {
            Must = must.Count > 0 ? must : null,
            Filter = filters.Count > 0 ? filters : null,
        };
    }

    /// <summary>The words alone (no filters): what the highlighter marks.</summary>
    private static Query TextQuery(ChargeQueryPlan plan) => new BoolQuery { Must = [.. plan.Clauses.Select(ClauseQuery)] };

    private static Query ClauseQuery(PlannedClause clause)
    {
        var terms = clause.Terms;
        switch (clause.Kind)
        {
            case QueryClauseKind.Word when terms.Count == 1:
                {
                    // The term in the (stemmed) description, which counts double, or in the NCIC code and category;
                    // for a word the index lacks, also its neighbours within the plan's edits, in either field.
                    var either = new List<Query>
                    {
                        Term(ElasticChargeIndex.Description, terms[0], boost: 2),
                        Term(ElasticChargeIndex.Codes, terms[0]),
                        Term(ElasticChargeIndex.Expanded, terms[0], boost: ElasticChargeIndex.ExpandedWeight),
                    };
                    if (clause.FuzzyEdits > 0)
                    {
                        either.Add(Fuzzy(ElasticChargeIndex.Description, terms[0], clause.FuzzyEdits));
                        either.Add(Fuzzy(ElasticChargeIndex.Codes, terms[0], clause.FuzzyEdits));
                    }
                    return new BoolQuery { Should = either, MinimumShouldMatch = 1 };
                }
            case QueryClauseKind.Word:
                // A "word" analysis splits (sex-assault, hit/run): each of its terms, exactly, in either field.
                return new BoolQuery { Must = [.. terms.Select(t => Either(Term(ElasticChargeIndex.Description, t), Term(ElasticChargeIndex.Codes, t), Term(ElasticChargeIndex.Expanded, t, boost: ElasticChargeIndex.ExpandedWeight)))] };
            case QueryClauseKind.Phrase:
                {
                    // The analysed terms, consecutive: split again on spaces only, so nothing is stemmed twice.
                    var text = string.Join(' ', terms);
                    return Either(
                        new MatchPhraseQuery { Field = ElasticChargeIndex.Description, Query = text, Analyzer = "whitespace" },
                        new MatchPhraseQuery { Field = ElasticChargeIndex.Codes, Query = text, Analyzer = "whitespace" },
                        new MatchPhraseQuery { Field = ElasticChargeIndex.Expanded, Query = text, Analyzer = "whitespace", Boost = ElasticChargeIndex.ExpandedWeight });
                }
            default:
                {
                    // Search-as-you-type: the earlier words whole among the unstemmed words, the last one a prefix,
                    // unstemmed, of an unstemmed word ("drivin*" finds "driving"), of a stem or of a code ("540*").
                    var last = terms[^1];
                    var prefix = Either(
                        new PrefixQuery { Field = ElasticChargeIndex.Words, Value = last },
                        new PrefixQuery { Field = ElasticChargeIndex.Description, Value = last },
                        new PrefixQuery { Field = ElasticChargeIndex.Codes, Value = last });
                    if (terms.Count == 1)
                    {
                        return prefix;
                    }
                    return new BoolQuery { Must = [.. terms.SkipLast(1).Select(t => Term(ElasticChargeIndex.Words, t)), prefix] };
                }
        }
    }

    private static TermQuery Term(string field, string term, float? boost = null) => new() { Field = field, Value = term, Boost = boost };

    /// <summary>
    /// Neighbours within <paramref name="edits"/> (transpositions count as one), the 50 best, scored with blended
    /// document frequencies, as the Lucene engine's typo expansion is.
    /// </summary>
    private static FuzzyQuery Fuzzy(string field, string term, int edits) => new()
    {
        Field = field,
        Value = term,
        Fuzziness = new Fuzziness(edits.ToString(CultureInfo.InvariantCulture)),
        PrefixLength = 0,
        MaxExpansions = 50,
        Transpositions = true,
        Rewrite = "top_terms_blended_freqs_50",
    };

    private static BoolQuery Either(params Query[] queries) => new() { Should = queries, MinimumShouldMatch = 1 };

    private static List<Query> BuildFilters(ChargeSearchFilter filter)
    {
        var filters = new List<Query>();
        AnyOf(filters, ElasticChargeIndex.State, filter.States?.Select(s => s.ToUpperInvariant()));
        AnyOf(filters, ElasticChargeIndex.JurisdictionId, filter.JurisdictionIds?.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        AnyOf(filters, ElasticChargeIndex.Outcome, filter.Outcomes?.Select(o => o.ToString()));
        AnyOf(filters, ElasticChargeIndex.DetainerType, filter.DetainerTypes?.Select(t => t.ToString()));
        AnyOf(filters, ElasticChargeIndex.Citizenship, filter.Citizenships);
        AnyOf(filters, ElasticChargeIndex.Status, filter.Statuses?.Select(s => s.ToString()));
        AnyOf(filters, ElasticChargeIndex.Category, filter.Categories);
        AnyOf(filters, ElasticChargeIndex.SourceKind, filter.SourceKinds?.Select(k => k.ToString()));
        AnyOf(filters, ElasticChargeIndex.Week, filter.WeekStarts?.Select(w => w.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (filter.WeekFrom is not null || filter.WeekTo is not null)
        {
            filters.Add(new DateRangeQuery(ElasticChargeIndex.Week)
            {
                // The bounds are sent as instants; the field itself keeps plain dates.
                Format = "strict_date_optional_time",
                Gte = filter.WeekFrom is { } from ? DateMath.Anchored(from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)) : null,
                Lte = filter.WeekTo is { } to ? DateMath.Anchored(to.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)) : null,
            });
        }
        return filters;
    }

    private static void AnyOf(List<Query> filters, string field, IEnumerable<string>? values)
    {
        var list = values?.Distinct(StringComparer.Ordinal).ToList();
        if (list is { Count: > 0 })
        {
            filters.Add(new TermsQuery(field, new TermsQueryField([.. list.Select(FieldValue.String)])));
        }
        else if (list is not null)
        {
            // No value allowed: nothing matches.
            filters.Add(new MatchNoneQuery());
        }
    }

    /// <summary>The name of the suggester whose options are at most <paramref name="edits"/> edits away.</summary>
    private static string SuggesterName(int edits) => SuggesterPrefix + edits.ToString(CultureInfo.InvariantCulture);

    private static FieldSuggester WordSuggester(int maxEdits, int minWordLength) => new()
    {
        Term = new TermSuggester
        {
            Field = ElasticChargeIndex.Words,
            SuggestMode = SuggestMode.Missing,
            MaxEdits = maxEdits,
            PrefixLength = 0,
            MinWordLength = minWordLength,
            Size = 1,
            Sort = SuggestSort.Frequency,
        },
    };

    /// <summary>The words of each clause, space-separated, in order (the suggester analyzes them like the <c>words</c> field).</summary>
    private static string SuggestText(ChargeQuery query) => string.Join(' ', query.Clauses.Select(c => c.Text));
}
