using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Queries;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Lucene.Net.Util.Automaton;

namespace DetainerGraph.Search;

// Our query clauses and filters as Lucene queries, with typo tolerance and its cache of compiled automata.
public sealed partial class LuceneChargeSearch
{
    // ---- Query building: our clauses to Lucene Query objects; user text never reaches a query parser. ----

    /// <summary>
    /// The reading of each clause (analysis, which words are fuzzy, which the index knows) is ChargeQueryPlan's, shared
    /// with Elasticsearch; "does the index hold it?" is answered here by the description's term dictionary.
    /// </summary>
    private static ChargeQueryPlan Plan(IndexReader reader, ChargeQuery parsed)
    {
        var description = MultiFields.GetTerms(reader, DescriptionField);
        return ChargeQueryPlan.Plan(parsed, term => description is null || description.GetEnumerator().SeekExact(new BytesRef(term)));
    }

    private Query BuildQuery(IndexReader reader, ChargeQueryPlan plan, CancellationToken ct)
    {
        if (plan.MatchesAll)
        {
            return new MatchAllDocsQuery();
        }
        var root = new BooleanQuery();
        foreach (var clause in plan.Clauses)
        {
            ct.ThrowIfCancellationRequested();
            root.Add(ClauseQuery(reader, clause, ct), Occur.MUST);
        }
        // Text made only of symbols or emoji has no words: it matches nothing rather than everything.
        return root.Clauses.Count > 0 ? root : new BooleanQuery { { new TermQuery(new Term(IdField, "")), Occur.MUST } };
    }

    private Query ClauseQuery(IndexReader reader, PlannedClause clause, CancellationToken ct)
    {
        var tokens = clause.Terms;
        switch (clause.Kind)
        {
            case QueryClauseKind.Word:
                {
                    if (tokens.Count == 1)
                    {
                        return WordQuery(reader, tokens[0], clause.FuzzyEdits, ct);
                    }
                    var all = new BooleanQuery();
                    foreach (var token in tokens)
                    {
                        all.Add(EitherField(reader, [token], f => new TermQuery(new Term(f, token))), Occur.MUST);
                    }
                    return all;
                }
            case QueryClauseKind.Phrase:
                return EitherField(reader, tokens, f =>
                {
                    var phrase = new PhraseQuery();
                    foreach (var token in tokens)
                    {
                        phrase.Add(new Term(f, token));
                    }
                    return phrase;
                });
            default:
                {
                    var all = new BooleanQuery();
                    foreach (var word in tokens.SkipLast(1))
                    {
                        all.Add(new TermQuery(new Term(WordsField, word)), Occur.MUST);
                    }
                    // Prefixes match unstemmed words ("drivin*" finds "driving") and the stemmed text (synonyms, codes).
                    var last = tokens[^1];
                    var prefixes = new BooleanQuery();
                    foreach (var field in new[] { WordsField, DescriptionField, CodesField })
                    {
                        prefixes.Add(new PrefixQuery(new Term(field, last)), Occur.SHOULD);
                    }
                    all.Add(prefixes, Occur.MUST);
                    return all;
                }
        }
    }

    private Query WordQuery(IndexReader reader, string token, int fuzzyEdits, CancellationToken ct)
    {
        var either = new BooleanQuery();
        foreach (var (field, boost) in new[] { (DescriptionField, 2f), (CodesField, 1f), (ExpandedField, ExpandedBoost) })
        {
            if (Holds(reader, field, [token]))
            {
                either.Add(new TermQuery(new Term(field, token)) { Boost = boost }, Occur.SHOULD);
            }
        }
        // A typo of a category name ("asault") finds what the word itself finds, in the codes field too.
        if (TypoAutomata(token, fuzzyEdits) is { } automata)
        {
            foreach (var field in new[] { DescriptionField, CodesField })
            {
                if (FuzzyQuery(reader, token, field, automata, ct) is { } fuzzy)
                {
                    either.Add(fuzzy, Occur.SHOULD);
                }
            }
        }
        return either;
    }

    /// <summary>
    /// The automata of the words within 1 to <paramref name="fuzzyEdits"/> edits of <paramref name="token"/>, built once
    /// for both fields; null when the plan gives the word no typo tolerance (it has none, or the index knows the word:
    /// expanding "dui" to its one-edit neighbours "dwi", "owi" and "oui", its own synonyms, cost 150-300 ms for nothing).
    /// </summary>
    private CompiledAutomaton[]? TypoAutomata(string token, int fuzzyEdits) =>
        fuzzyEdits == 0 ? null : EditAutomata(token, fuzzyEdits);

    /// <summary>
    /// Compiled Levenshtein automata (with transpositions) for 1 to <paramref name="maxEdits"/> edits. Compiled as
    /// FuzzyQuery's terms enum does (finite, not simplified): the "simplify" checks of the one-argument constructor
    /// (is it a prefix? a single string?) compare whole automata and never apply to a Levenshtein automaton. Most of
    /// the cost is determinizing the UTF-8 automaton either way, hence the cache.
    /// </summary>
    private CompiledAutomaton[] EditAutomata(string token, int maxEdits)
    {
        var key = (token, maxEdits);
        if (_editAutomata.TryGet(key, out var cached))
        {
            return cached;
        }
        var levenshtein = new LevenshteinAutomata(token, withTranspositions: true);
        CompiledAutomaton[] built = [.. Enumerable.Range(1, maxEdits).Select(edits => new CompiledAutomaton(levenshtein.ToAutomaton(edits), finite: true, simplify: false))];
        _editAutomata.Add(key, built, EstimateBytes(token, built));
        return built;
    }

    /// <summary>
    /// Compiled automata of recent typos: building them (determinizing the UTF-8 automaton) is about 1.5 ms of a
    /// fuzzy search at 100k, and the same misspellings recur. An automaton depends only on the word, not the index,
    /// and is read-only once built, so searches share them. Bounded by the estimated bytes of its automata
    /// (<see cref="EstimateBytes"/>), not by their count: a 30-letter mixed-script word's automata took about
    /// 2 MB, so the former bound of 1,024 words let the cache reach 2 GB.
    /// </summary>
    private readonly ByteBoundedCache<(string Token, int MaxEdits), CompiledAutomaton[]> _editAutomata;

    /// <summary>The typo cache's budget unless <c>Search:TypoCacheBytes</c> says otherwise: 16 MB.</summary>
    public const long DefaultTypoCacheBytes = 16 * 1024 * 1024;

    /// <summary>The estimated bytes the typo cache holds now (never above its budget).</summary>
    public long TypoCacheBytes => _editAutomata.Bytes;

    /// <summary>
    /// The managed memory compiled automata hold, estimated from their shape: the run automaton's transition table
    /// (states × character classes × 4 bytes) and accept flags, and the sorted transitions (an array per state, an
    /// object per transition) with the states they reach, plus the key.
    /// </summary>
    public static long EstimateBytes(string token, CompiledAutomaton[] automata)
    {
        long bytes = 64 + (2L * token.Length);
        foreach (var automaton in automata)
        {
            var states = automaton.SortedTransitions?.Length ?? 0;
            long transitions = 0;
            foreach (var perState in automaton.SortedTransitions ?? [])
            {
                transitions += perState.Length;
            }
            var classes = automaton.RunAutomaton?.GetCharIntervals().Length ?? 0;
            bytes += 1024 + (states * ((4L * classes) + 1 + 32 + 72)) + (transitions * (8 + 32));
        }
        return bytes;
    }

    /// <summary>
    /// Typo tolerance for a word the index does not hold: the indexed words within <see cref="ChargeQuery.AutoEdits"/> edits, as a disjunction that
    /// scores a document by its best such word. Each word's boost is its similarity times a factor that gives
    /// every expansion the same IDF (that of the most common one), like Elasticsearch's blended-frequency
    /// rewrite: otherwise a rare near-miss ("asslt", "adult") would outrank the common intended word ("assault").
    /// </summary>
    private static BestOfTermsQuery? FuzzyQuery(IndexReader reader, string token, string field, CompiledAutomaton[] automata, CancellationToken ct)
    {
        var terms = MultiFields.GetTerms(reader, field);
        if (terms is null)
        {
            return null;
        }
        // One pass over the words within the most edits; each word's distance is the fewest edits whose automaton
        // accepts it. Words enter in index order, as separate passes per distance would add them.
        var found = new Dictionary<string, (int Edits, int DocFreq)>(StringComparer.Ordinal);
        var candidates = automata[^1].GetTermsEnum(terms);
        var seen = 0;
        while (candidates.MoveNext())
        {
            if ((++seen & 255) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            var term = candidates.Term;
            var edits = 1;
            while (edits < automata.Length && !automata[edits - 1].RunAutomaton.Run(term.Bytes, term.Offset, term.Length))
            {
                edits++;
            }
            var word = term.Utf8ToString();
            if (word != token)
            {
                found.TryAdd(word, (edits, candidates.DocFreq));
            }
        }
        if (found.Count == 0)
        {
            return null;
        }
        var expansions = found.OrderBy(p => p.Value.Edits).ThenByDescending(p => p.Value.DocFreq).Take(50).ToList();
        var documents = Math.Max(1, reader.NumDocs);
        var blended = Idf(expansions.Max(p => p.Value.DocFreq), documents);
        // Same scores as a DisjunctionMaxQuery without tie breaker; it skips expansions proven never to be a charge's best.
        var disjunction = new BestOfTermsQuery();
        foreach (var (word, (edits, docFreq)) in expansions)
        {
            var similarity = 1f - ((float)edits / Math.Max(token.Length, word.Length));
            disjunction.Add(new TermQuery(new Term(field, word)) { Boost = similarity * blended / Idf(docFreq, documents) });
        }
        return disjunction;
    }

    private static float Idf(int docFreq, int documents) => (float)Math.Log(1 + ((documents - docFreq + 0.5) / (docFreq + 0.5)));

    /// <summary>
    /// The query <paramref name="make"/> builds for each text field, as alternatives, leaving out a field that lacks one
    /// of <paramref name="terms"/> in every segment (it could match nothing there). The answer does not change: BM25
    /// gives a boolean query no coordination factor and no query norm, so a clause that matches nothing adds nothing
    /// to any score. What changes is the work: a phrase found only in the description ("driving under influence")
    /// is then that phrase alone, which Lucene rewrites to the bare phrase query, instead of a one-member
    /// disjunction that Lucene's bucket scorer still routes every hit through (a quarter of the phrase's time at 1M).
    /// </summary>
    private static BooleanQuery EitherField(IndexReader reader, IReadOnlyList<string> terms, Func<string, Query> make)
    {
        var either = new BooleanQuery();
        foreach (var (field, boost) in new[] { (DescriptionField, 1f), (CodesField, 1f), (ExpandedField, ExpandedBoost) })
        {
            if (Holds(reader, field, terms))
            {
                either.Add(boost == 1f ? make(field) : Boosted(make(field), boost), Occur.SHOULD);
            }
        }
        return either;
    }

    /// <summary>Whether some document (live or deleted) of some segment holds every one of <paramref name="terms"/> in <paramref name="field"/>.</summary>
    private static bool Holds(IndexReader reader, string field, IReadOnlyList<string> terms)
    {
        foreach (var term in terms)
        {
            if (reader.DocFreq(new Term(field, term)) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private static Query Boosted(Query query, float boost)
    {
        query.Boost = boost;
        return query;
    }

    /// <summary>
    /// Whether the filters on a keyword field read its indexed terms (and so its documents carry them): a field without
    /// a facet, and jurisdiction, week and citizenship (see the remarks on <see cref="Filtered"/>). The others are
    /// filtered from their facet's doc values and carry no term. The one place that says which: the document builder
    /// (<see cref="KeywordField"/>) and the filters both ask it.
    /// </summary>
    private static bool FilteredByTerms(SearchFacet? facet) =>
        facet is not { } f || f is SearchFacet.Jurisdiction or SearchFacet.Week or SearchFacet.Citizenship;

    /// <summary>
    /// <paramref name="query"/> restricted by the filter: each condition is a cached per-segment bit set
    /// (<see cref="Cached"/>), keyed by its field and value set. The small vocabularies (state, outcome, detainer type,
    /// charge status, category, source kind) repeat by nature; so do the value sets a request's jurisdiction and week
    /// conditions resolve to (the benchmark's state and week-range filters are the same few sets on every request),
    /// which were walked term by term on every search before (a week range's 34 weeks: every posting of most of the
    /// index). A condition filters; it never changes a score.
    /// </summary>
    /// <remarks>
    /// A condition on state, outcome, charge status, category or source kind reads the field's facet doc values
    /// (<see cref="FacetValuesFilter"/>): documents carry no indexed term for those any more (see
    /// <see cref="KeywordField"/>). Jurisdiction, week and citizenship keep their terms: their conditions are selective
    /// and their value sets vary, so a filter is often built for its first use, and reading a rare value's postings
    /// is much cheaper than testing every document's value (at 100k, 6-12 ms against 14-37 ms for a first jurisdiction).
    /// The detainer type has no facet and keeps its term.
    /// </remarks>
    private Query Filtered(Query query, ChargeSearchFilter filter)
    {
        // A prefix alone in its fields is scored from per-field bit sets (same hits, same scores); highlighting keeps the
        // plain query.
        query = PrefixFieldsQuery.TryCreate(query);
        var strategy = query switch
        {
            WindowedConjunctionQuery => WindowedConjunctionQuery.FilterStrategy,
            PrefixFieldsQuery => PrefixFieldsQuery.FilterStrategy,
            _ => FilteredQuery.RANDOM_ACCESS_FILTER_STRATEGY,
        };
        if (filter.WeekFrom is not null || filter.WeekTo is not null)
        {
            var (from, to) = (filter.WeekFrom is { } f ? Day(f) : null, filter.WeekTo is { } t ? Day(t) : null);
            var range = Cached($"week range{LabelSeparator}{from}{LabelSeparator}{to}", () => TermRangeQuery.NewStringRange("week", from, to, true, true));
            query = new FilteredQuery(query, range, strategy);
        }
        foreach (var (field, facet, values) in new (string, SearchFacet?, IEnumerable<string>?)[]
        {
            ("jurisdiction", SearchFacet.Jurisdiction, filter.JurisdictionIds?.Select(id => id.ToString(CultureInfo.InvariantCulture))),
            ("citizenship", SearchFacet.Citizenship, filter.Citizenships),
            ("week", SearchFacet.Week, filter.WeekStarts?.Select(Day)),
            ("state", SearchFacet.State, filter.States?.Select(s => s.ToUpperInvariant())),
            ("outcome", SearchFacet.Outcome, filter.Outcomes?.Select(o => o.ToString())),
            ("type", null, filter.DetainerTypes?.Select(t => t.ToString())),
            ("status", SearchFacet.Status, filter.Statuses?.Select(s => s.ToString())),
            ("category", SearchFacet.ChargeCategory, filter.Categories),
            ("source_kind", SearchFacet.SourceKind, filter.SourceKinds?.Select(k => k.ToString())),
        })
        {
            if (values is not null)
            {
                query = new FilteredQuery(query, Cached(field, facet, values), strategy);
            }
        }
        return query;
    }

    /// <summary>
    /// A condition (any of <paramref name="values"/> in <paramref name="field"/>) as a bit set per segment, built on
    /// first use and kept with the segment (Lucene's <see cref="CachingWrapperFilter"/> keys it by the segment's core and
    /// applies deletions at use, so it stays exact as documents are replaced; a new segment gets its own). A bit set
    /// answers "is this document allowed?" directly, so the query's scorer skips the others as it reads postings
    /// instead of leap-frogging with a second iterator. At most <see cref="MaxCachedFilters"/> conditions are kept
    /// (one bit per document each). With a <paramref name="facet"/> not <see cref="FilteredByTerms"/>, the bits come
    /// from its doc values.
    /// </summary>
    private Filter Cached(string field, SearchFacet? facet, IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Each value with its length: a value holding the separator cannot make two value sets share a key.
        var key = field + LabelSeparator + string.Join(LabelSeparator, distinct.Select(v => v.Length.ToString(CultureInfo.InvariantCulture) + ":" + v));
        Query Terms()
        {
            var any = new BooleanQuery();
            AnyOf(any, field, distinct);
            return any;
        }
        if (FilteredByTerms(facet) || facet is not { } f)
        {
            return Cached(key, Terms);
        }
        // The values as the index holds them: UTF-8, compared byte for byte as a term would be.
        var allowed = distinct.Select(v => new BytesRef(v)).ToHashSet();
        return Cached(key, () => new FacetValuesFilter(FacetPrefix + FacetName(f), allowed.Contains, Terms()));
    }

    /// <summary>The cached bit-set filter <paramref name="make"/> gives, under <paramref name="key"/> (which must name its meaning exactly).</summary>
    private Filter Cached(string key, Func<Filter> make)
    {
        if (_filters.TryGetValue(key, out var cached))
        {
            return cached;
        }
        if (_filters.Count >= MaxCachedFilters)
        {
            _filters.Clear();
        }
        return _filters.GetOrAdd(key, _ => new BitSetFilter(make()));
    }

    private Filter Cached(string key, Func<Query> make) => Cached(key, () => (Filter)new QueryWrapperFilter(make()));

    /// <summary>
    /// The documents whose value in a facet's doc values <paramref name="allows"/> accepts, each distinct value
    /// tested once per segment (a facet has a few thousand values at most), then each document's value looked up by
    /// its ordinal. A document without a value never passes, as a document without the term never matched.
    /// </summary>
    /// <remarks>
    /// Documents written before 2026-11-30 also carry the field's indexed term, and a facet may be younger than an
    /// old document: such a segment (or one merged from old and new segments) is read both ways and a document
    /// passes when either allows it. The two never disagree where both exist (the same value went to both).
    /// </remarks>
    private sealed class FacetValuesFilter(string facetField, Func<BytesRef, bool> allows, Query terms) : Filter
    {
        public override DocIdSet? GetDocIdSet(AtomicReaderContext context, IBits? acceptDocs)
        {
            var reader = context.AtomicReader;
            var bits = new FixedBitSet(reader.MaxDoc);
            if (reader.GetSortedDocValues(facetField) is { } values)
            {
                var allowed = new bool[values.ValueCount];
                var any = false;
                var value = new BytesRef();
                for (var ord = 0; ord < allowed.Length; ord++)
                {
                    values.LookupOrd(ord, value);
                    allowed[ord] = allows(value);
                    any |= allowed[ord];
                }
                for (var doc = 0; any && doc < reader.MaxDoc; doc++)
                {
                    var ord = values.GetOrd(doc);
                    if (ord >= 0 && allowed[ord])
                    {
                        bits.Set(doc);
                    }
                }
            }
            if (new QueryWrapperFilter(terms).GetDocIdSet(context, null)?.GetIterator() is { } fromTerms)
            {
                bits.Or(fromTerms);
            }
            return BitsFilteredDocIdSet.Wrap(bits, acceptDocs);
        }
    }

    private const int MaxCachedFilters = 64;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Filter> _filters = new(StringComparer.Ordinal);

    /// <summary>Caches each segment's matches as a <see cref="FixedBitSet"/>, which offers random access (Lucene's default cache is a compressed set without it).</summary>
    private sealed class BitSetFilter(Filter filter) : CachingWrapperFilter(filter)
    {
        protected override DocIdSet CacheImpl(DocIdSetIterator iterator, AtomicReader reader)
        {
            var bits = new FixedBitSet(reader.MaxDoc);
            bits.Or(iterator);
            return bits;
        }
    }

    private static void AnyOf(BooleanQuery all, string field, IEnumerable<string>? values)
    {
        var list = values?.ToList();
        if (list is null)
        {
            return;
        }
        var distinct = list.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            // Many values (a week range resolved to its week starts, a state to its jurisdictions, a client's list) as
            // one bit set per segment built from each value's postings (Lucene's TermsFilter: each term sought in the
            // segment's terms, sorted), instead of a disjunction of one scorer per value advanced on every candidate
            // hit ("burglary" in 40 weeks at 100k: 6.9 ms as a disjunction, 2.1 ms as a bit set). Until 2026-11-30 the
            // values were one automaton (a string union): compiling it grew with the values' total length, and 1,000
            // client-given citizenships of 100 letters held a core for 17 s and 800 MB before the search timed out.
            all.Add(new ConstantScoreQuery(new TermsFilter(field, distinct.Select(v => new BytesRef(v)).ToList())), Occur.MUST);
            return;
        }
        // An empty list allows no value: the clause stays empty, and an empty MUST clause matches nothing.
        var any = new BooleanQuery();
        foreach (var value in distinct)
        {
            any.Add(new TermQuery(new Term(field, value)), Occur.SHOULD);
        }
        all.Add(any, Occur.MUST);
    }
}
