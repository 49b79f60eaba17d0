using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Search.Analysis;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Util;
using Lucene.Net.Util.Automaton;

namespace DetainerGraph.Search;

// Charge documents as Lucene documents.
public sealed partial class LuceneChargeSearch
{
    // ---- Documents ----

    /// <summary>
    /// Turns charge documents into Lucene documents, reusing one <see cref="Document"/> and its
    /// <see cref="Field"/> instances from one document to the next (Lucene's fast path for bulk indexing: a
    /// new keyword field builds a new token stream, whose attributes are looked up under a global lock). Not
    /// thread-safe: one per writing thread, and each document must be handed to the writer before the next is made.
    /// </summary>
    /// <remarks>
    /// Given the writer's analyzer (<paramref name="analyzed"/>), the builder makes the texts of each distinct charge
    /// text (description, NCIC code and category) once: the codes and expanded texts, and each text field's tokens,
    /// replayed for every later document with the same charge text (<see cref="ChargeTexts"/>). An import's charges
    /// repeat a few thousand descriptions, and analysis (synonyms, stemming) was most of the cost of indexing them;
    /// then the per-document lookups of those texts (five hashes of the description a document) were most of what
    /// the builder cost. The tokens replayed are the analyzer's own, so the index is the same.
    /// </remarks>
    private sealed class DocumentBuilder
    {
        private readonly ChargeReader? _reader;
        private readonly ChargeTexts? _texts;
        private readonly TextField _expanded = new(ExpandedField, "", Field.Store.NO);
        private readonly StringField _id = new(IdField, "", Field.Store.YES);
        private readonly StoredField _detainerId = new(DetainerIdField, 0L);
        private readonly TextField _description = new(DescriptionField, "", Field.Store.YES);
        private readonly TextField _words = new(WordsField, "", Field.Store.NO);
        private readonly TextField _codes = new(CodesField, "", Field.Store.NO);
        private readonly KeywordField _state = new("state", SearchFacet.State);
        private readonly KeywordField _jurisdiction = new("jurisdiction", SearchFacet.Jurisdiction);
        private readonly KeywordField _week = new("week", SearchFacet.Week);
        private readonly KeywordField _outcome = new("outcome", SearchFacet.Outcome);
        private readonly KeywordField _type = new("type", null);
        private readonly KeywordField _citizenship = new("citizenship", SearchFacet.Citizenship);
        private readonly KeywordField _status = new("status", SearchFacet.Status);
        private readonly KeywordField _category = new("category", SearchFacet.ChargeCategory);
        private readonly KeywordField _sourceKind = new("source_kind", SearchFacet.SourceKind);
        private readonly DocumentLabels _labels = new();
        private readonly OrderedFields _fields;

        public DocumentBuilder(ChargeReader? reader, Analyzer? analyzed = null)
        {
            _reader = reader;
            _texts = analyzed is null ? null : new ChargeTexts(analyzed, reader);
            _fields = new OrderedFields([_id, _detainerId, _description, _words, _codes, _expanded,
                .. new[] { _state, _jurisdiction, _week, _outcome, _type, _citizenship, _status, _category, _sourceKind }.SelectMany(k => k.Fields)]);
        }

        public Document Build(ChargeDocument d)
        {
            _id.SetStringValue(Key(d.ChargeId));
            _detainerId.SetInt64Value(d.DetainerId);
            _description.SetStringValue(d.Description);
            _words.SetStringValue(d.Description);
            var texts = _texts?.Of(d);
            _codes.SetStringValue((texts is null ? ChargeDocuments.Codes(d) : texts.Codes) ?? "");
            _fields.Add(_id);
            _fields.Add(_detainerId);
            _fields.Add(_description);
            _fields.Add(_words);
            _fields.Add(_codes);
            var expanded = texts is null ? ChargeDocuments.Expanded(d, _reader) : texts.Expanded;
            if (expanded is not null)
            {
                _expanded.SetStringValue(expanded);
                _fields.Add(_expanded);
            }
            _texts?.Replay(texts, _description, _words, _codes, expanded is null ? null : _expanded);
            _state.AddTo(_fields, d.State, d.State);
            var (jurisdiction, jurisdictionLabel) = _labels.Of(d);
            _jurisdiction.AddTo(_fields, jurisdiction, jurisdictionLabel);
            var week = d.WeekStart is { } w ? _labels.Day(w) : null;
            _week.AddTo(_fields, week, week);
            var outcome = EnumName(d.Outcome);
            _outcome.AddTo(_fields, outcome, outcome);
            _type.AddTo(_fields, EnumName(d.DetainerType), null);
            _citizenship.AddTo(_fields, d.Citizenship, d.Citizenship);
            var status = EnumName(d.Status);
            _status.AddTo(_fields, status, status);
            _category.AddTo(_fields, d.Category, d.Category);
            var sourceKind = EnumName(d.SourceKind);
            _sourceKind.AddTo(_fields, sourceKind, sourceKind);
            return _fields.Document();
        }
    }

    /// <summary>
    /// A builder's document, its fields handed over in the order of their names whatever order they were added in:
    /// Lucene sorts each document's fields by name before inverting them (an insertion sort per document, with a
    /// virtual call per comparison and swap), which took about 2% of an import's CPU when they came in another order;
    /// in order, the sort only confirms it. The fields are the builder's reused instances, so each has a fixed place.
    /// </summary>
    private sealed class OrderedFields
    {
        private readonly Document _doc = [];
        private readonly Dictionary<Field, int> _places = new(ReferenceEqualityComparer.Instance);
        private readonly Field?[] _added;

        public OrderedFields(IEnumerable<Field> fields)
        {
            foreach (var field in fields.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                _places.Add(field, _places.Count);
            }
            _added = new Field?[_places.Count];
        }

        public void Add(Field field) => _added[_places[field]] = field;

        /// <summary>The document of the fields added since the last call, in name order; the next document starts empty.</summary>
        public Document Document()
        {
            _doc.Fields.Clear();
            for (var i = 0; i < _added.Length; i++)
            {
                if (_added[i] is { } field)
                {
                    _doc.Add(field);
                    _added[i] = null;
                }
            }
            return _doc;
        }
    }

    /// <summary>An enum value's name, as <see cref="Enum.ToString()"/> gives it, looked up instead of formatted per document.</summary>
    private static string EnumName<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumNames<TEnum>.Of(value);

    private static class EnumNames<TEnum>
        where TEnum : struct, Enum
    {
        private static readonly Dictionary<TEnum, string> Names = Enum.GetValues<TEnum>().Distinct().ToDictionary(v => v, v => v.ToString());

        public static string Of(TEnum value) => Names.TryGetValue(value, out var name) ? name : value.ToString();
    }

    /// <summary>
    /// The texts a document builder makes from a document's jurisdiction and week, made once per distinct value (an
    /// import's documents name a few thousand jurisdictions and weeks) rather than formatted per document.
    /// </summary>
    private sealed class DocumentLabels
    {
        private const int MaxCached = 16_384;

        // By id, name and state: the label holds all three (a jurisdiction renamed meanwhile gets its own entry).
        private readonly BoundedCache<(int Id, string? Name, string? State), (string Id, string Label)> _jurisdictions = new(MaxCached);
        private readonly BoundedCache<DateOnly, string> _days = new(MaxCached);

        /// <summary>The jurisdiction's id as the filter field holds it and its facet label (id, separator, name, state); nulls without one.</summary>
        public (string? Id, string? Label) Of(ChargeDocument d) => d.JurisdictionId is { } id
            ? _jurisdictions.GetOrAdd((id, d.JurisdictionName, d.State), 0,
                static (k, _) => (k.Id.ToString(CultureInfo.InvariantCulture), $"{k.Id}{LabelSeparator}{k.Name}, {k.State}"))
            : (null, null);

        public string Day(DateOnly day) => _days.GetOrAdd(day, 0, static (d, _) => LuceneChargeSearch.Day(d));
    }

    /// <summary>
    /// A filter field: an indexed, not analyzed term (without a facet, or when its filters read terms:
    /// <see cref="FilteredByTerms"/>) and its facet's doc values (when it has a facet); either is left out of a document
    /// whose value is null.
    /// </summary>
    /// <remarks>
    /// Until 2026-11-30 every filter field was indexed as a term beside its doc values. Five of them (state, outcome,
    /// charge status, category, source kind) are filtered from their doc values now (see <see cref="FacetValuesFilter"/>),
    /// so they are not inverted: with the sort_id doc values gone too (see ChargeIds), a 100k import's CPU fell by
    /// about 7% (interleaved runs on a loaded machine, 5 pairs). Jurisdiction, week and citizenship keep their terms
    /// (see Filtered).
    /// </remarks>
    private sealed class KeywordField(string field, SearchFacet? facet)
    {
        private readonly StringField? _term = FilteredByTerms(facet) ? new(field, "", Field.Store.NO) : null;
        private readonly SortedDocValuesField? _facet = facet is { } f ? new(FacetPrefix + FacetName(f), new BytesRef()) : null;
        // Each distinct facet value's UTF-8 bytes, made once: the writer copies them into its own pool and never
        // changes them, so one instance serves every document with that value.
        private readonly BoundedCache<string, BytesRef> _facetBytes = new(16_384, StringComparer.Ordinal);

        /// <summary>The field instances this may add.</summary>
        public IEnumerable<Field> Fields => new Field?[] { _term, _facet }.OfType<Field>();

        public void AddTo(OrderedFields doc, string? value, string? facetValue)
        {
            if (_term is not null && value is not null)
            {
                _term.SetStringValue(value);
                doc.Add(_term);
            }
            if (_facet is not null && facetValue is not null)
            {
                _facet.SetBytesValue(_facetBytes.GetOrAdd(facetValue, 0, static (v, _) => new BytesRef(v)));
                doc.Add(_facet);
            }
        }
    }

    /// <summary>
    /// What a builder indexes of each distinct charge text (description, NCIC code, category), made once: the codes and
    /// expanded texts, and the tokens the writer's analyzer makes of each text field, replayed into the fields instead of
    /// analyzing the same text again. Holds at most <see cref="MaxTexts"/> charge texts; beyond them, and for a text
    /// field longer than <see cref="MaxLength"/> characters, documents are made and analyzed as usual. One per document
    /// builder (not thread-safe).
    /// </summary>
    private sealed class ChargeTexts(Analyzer analyzer, ChargeReader? reader)
    {
        // Up to four analysed texts each: about as many as the 50,000 texts a builder held when it held them one by one.
        private const int MaxTexts = 12_500;
        private const int MaxLength = 512;

        // By description first (ordinal, so hashed without Marvin's per-process seed), then its few codes and categories.
        private readonly Dictionary<string, List<IndexedTexts>> _byDescription = new(StringComparer.Ordinal);
        private readonly ReplayStream[] _streams = [new(), new(), new(), new()];
        private int _count;

        /// <summary>The texts of <paramref name="d"/>'s charge text; null once <see cref="MaxTexts"/> are held and this one is not.</summary>
        public IndexedTexts? Of(ChargeDocument d)
        {
            if (!_byDescription.TryGetValue(d.Description, out var variants))
            {
                if (_count >= MaxTexts)
                {
                    return null;
                }
                variants = new List<IndexedTexts>(1);
                _byDescription.Add(d.Description, variants);
            }
            foreach (var texts in variants)
            {
                if (string.Equals(texts.NcicCode, d.NcicCode, StringComparison.Ordinal) && string.Equals(texts.Category, d.Category, StringComparison.Ordinal))
                {
                    return texts;
                }
            }
            if (_count >= MaxTexts)
            {
                return null;
            }
            var codes = ChargeDocuments.Codes(d);
            var expanded = ChargeDocuments.Expanded(d, reader);
            var made = new IndexedTexts(d.NcicCode, d.Category, codes, expanded,
                Analyze(DescriptionField, d.Description), Analyze(WordsField, d.Description), Analyze(CodesField, codes ?? ""),
                expanded is null ? null : Analyze(ExpandedField, expanded));
            variants.Add(made);
            _count++;
            return made;
        }

        /// <summary>
        /// Sets each field's token stream to the replay of its text's tokens, or to none (the field's own analysis) for a
        /// text not held; <paramref name="expanded"/> is null when the document has no expanded text.
        /// </summary>
        public void Replay(IndexedTexts? texts, Field description, Field words, Field codes, Field? expanded)
        {
            Replay(0, description, texts?.DescriptionTokens);
            Replay(1, words, texts?.WordsTokens);
            Replay(2, codes, texts?.CodesTokens);
            if (expanded is not null)
            {
                Replay(3, expanded, texts?.ExpandedTokens);
            }
        }

        private void Replay(int stream, Field field, AnalyzedText? tokens)
        {
            if (tokens is null)
            {
                field.SetTokenStream(null);
                return;
            }
            _streams[stream].Replay(tokens);
            field.SetTokenStream(_streams[stream]);
        }

        private AnalyzedText? Analyze(string field, string text) => text.Length > MaxLength ? null : AnalyzedText.Of(analyzer, field, text);
    }

    /// <summary>
    /// One charge text's indexed texts: the codes and expanded texts as <see cref="ChargeDocuments"/> makes them, and the
    /// tokens of each text field (null for a text too long to hold).
    /// </summary>
    private sealed record IndexedTexts(string? NcicCode, string? Category, string? Codes, string? Expanded,
        AnalyzedText? DescriptionTokens, AnalyzedText? WordsTokens, AnalyzedText? CodesTokens, AnalyzedText? ExpandedTokens);

    /// <summary>One text's tokens as the indexer reads them: term, position increment and offsets, then the end state.</summary>
    private sealed record AnalyzedText(string[] Terms, int[] Increments, int[] Starts, int[] Ends, int FinalIncrement, int FinalOffset)
    {
        public static AnalyzedText Of(Analyzer analyzer, string field, string text)
        {
            var (terms, increments, starts, ends) = (new List<string>(), new List<int>(), new List<int>(), new List<int>());
            using var stream = analyzer.GetTokenStream(field, text);
            var term = stream.AddAttribute<ICharTermAttribute>();
            var increment = stream.AddAttribute<IPositionIncrementAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                terms.Add(term.ToString());
                increments.Add(increment.PositionIncrement);
                starts.Add(offset.StartOffset);
                ends.Add(offset.EndOffset);
            }
            stream.End();
            return new AnalyzedText([.. terms], [.. increments], [.. starts], [.. ends], increment.PositionIncrement, offset.EndOffset);
        }
    }

    /// <summary>Replays an <see cref="AnalyzedText"/>; reused from one document to the next, like an analyzer's own streams.</summary>
    private sealed class ReplayStream : TokenStream
    {
        private readonly ICharTermAttribute _term;
        private readonly IPositionIncrementAttribute _increment;
        private readonly IOffsetAttribute _offset;
        private AnalyzedText? _text;
        private int _next;

        public ReplayStream()
        {
            _term = AddAttribute<ICharTermAttribute>();
            _increment = AddAttribute<IPositionIncrementAttribute>();
            _offset = AddAttribute<IOffsetAttribute>();
        }

        public void Replay(AnalyzedText text)
        {
            _text = text;
            _next = 0;
        }

        public override void Reset()
        {
            base.Reset();
            _next = 0;
        }

        public override bool IncrementToken()
        {
            if (_text is null || _next >= _text.Terms.Length)
            {
                return false;
            }
            ClearAttributes();
            _term.SetEmpty().Append(_text.Terms[_next]);
            _increment.PositionIncrement = _text.Increments[_next];
            _offset.SetOffset(_text.Starts[_next], _text.Ends[_next]);
            _next++;
            return true;
        }

        public override void End()
        {
            base.End();
            if (_text is not null)
            {
                _increment.PositionIncrement = _text.FinalIncrement;
                _offset.SetOffset(_text.FinalOffset, _text.FinalOffset);
            }
        }
    }
}
