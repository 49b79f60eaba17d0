using System.Globalization;
using DetainerGraph.Data;
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
    /// Given the writer's analyzer (<paramref name="analyzed"/>), the builder analyzes each distinct text of a
    /// field once and replays its tokens for every later document with the same text (<see cref="AnalyzedTexts"/>):
    /// an import's charges repeat a few thousand descriptions, and analysis (synonyms, stemming) was most of the
    /// cost of indexing them. The tokens replayed are the analyzer's own, so the index is the same.
    /// </remarks>
    private sealed class DocumentBuilder(ChargeReader? reader, Analyzer? analyzed = null)
    {
        private readonly AnalyzedTexts? _texts = analyzed is null ? null : new AnalyzedTexts(analyzed);
        private readonly TextField _expanded = new(ExpandedField, "", Field.Store.NO);
        private readonly Document _doc = [];
        private readonly StringField _id = new(IdField, "", Field.Store.YES);
        private readonly StoredField _detainerId = new(DetainerIdField, 0L);
        private readonly NumericDocValuesField _sortId = new(SortIdField, 0L);
        private readonly TextField _description = new(DescriptionField, "", Field.Store.YES);
        private readonly TextField _words = new(WordsField, "", Field.Store.NO);
        private readonly TextField _codes = new(CodesField, "", Field.Store.NO);
        private readonly KeywordField _state = new("state", FacetName(SearchFacet.State));
        private readonly KeywordField _jurisdiction = new("jurisdiction", FacetName(SearchFacet.Jurisdiction));
        private readonly KeywordField _week = new("week", FacetName(SearchFacet.Week));
        private readonly KeywordField _outcome = new("outcome", FacetName(SearchFacet.Outcome));
        private readonly KeywordField _type = new("type", null);
        private readonly KeywordField _citizenship = new("citizenship", FacetName(SearchFacet.Citizenship));
        private readonly KeywordField _status = new("status", FacetName(SearchFacet.Status));
        private readonly KeywordField _category = new("category", FacetName(SearchFacet.ChargeCategory));
        private readonly KeywordField _sourceKind = new("source_kind", FacetName(SearchFacet.SourceKind));

        public Document Build(ChargeDocument d)
        {
            _doc.Fields.Clear();
            _id.SetStringValue(Key(d.ChargeId));
            _detainerId.SetInt64Value(d.DetainerId);
            _sortId.SetInt64Value(d.ChargeId);
            _description.SetStringValue(d.Description);
            _words.SetStringValue(d.Description);
            _codes.SetStringValue(ChargeDocuments.Codes(d) ?? "");
            _texts?.Preanalyze(_description, _words, _codes);
            _doc.Add(_id);
            _doc.Add(_detainerId);
            _doc.Add(_sortId);
            _doc.Add(_description);
            _doc.Add(_words);
            _doc.Add(_codes);
            if (ChargeDocuments.Expanded(d, reader) is { } expanded)
            {
                _expanded.SetStringValue(expanded);
                _texts?.Preanalyze(_expanded);
                _doc.Add(_expanded);
            }
            _state.AddTo(_doc, d.State, d.State);
            _jurisdiction.AddTo(_doc, d.JurisdictionId?.ToString(CultureInfo.InvariantCulture),
                d.JurisdictionId is { } j ? $"{j}{LabelSeparator}{d.JurisdictionName}, {d.State}" : null);
            var week = d.WeekStart is { } w ? Day(w) : null;
            _week.AddTo(_doc, week, week);
            _outcome.AddTo(_doc, d.Outcome.ToString(), d.Outcome.ToString());
            _type.AddTo(_doc, d.DetainerType.ToString(), null);
            _citizenship.AddTo(_doc, d.Citizenship, d.Citizenship);
            _status.AddTo(_doc, d.Status.ToString(), d.Status.ToString());
            _category.AddTo(_doc, d.Category, d.Category);
            _sourceKind.AddTo(_doc, d.SourceKind.ToString(), d.SourceKind.ToString());
            return _doc;
        }
    }

    /// <summary>
    /// A filter field (indexed, not analyzed) and, when the field has a facet, its doc-values field; either is
    /// left out of a document whose value is null.
    /// </summary>
    private sealed class KeywordField(string field, string? facet)
    {
        private readonly StringField _term = new(field, "", Field.Store.NO);
        private readonly SortedDocValuesField? _facet = facet is null ? null : new(FacetPrefix + facet, new BytesRef());

        public void AddTo(Document doc, string? value, string? facetValue)
        {
            if (value is not null)
            {
                _term.SetStringValue(value);
                doc.Add(_term);
            }
            if (_facet is not null && facetValue is not null)
            {
                // The writer copies the bytes into its own pool before the next document.
                _facet.SetBytesValue(new BytesRef(facetValue));
                doc.Add(_facet);
            }
        }
    }

    /// <summary>
    /// The tokens of each distinct (field, text) the writer's analyzer has produced, replayed into a field instead of
    /// analyzing the same text again. Holds at most <see cref="MaxTexts"/> texts of at most <see cref="MaxLength"/>
    /// characters; others are analyzed as usual. One per document builder (not thread-safe).
    /// </summary>
    private sealed class AnalyzedTexts(Analyzer analyzer)
    {
        private const int MaxTexts = 50_000;
        private const int MaxLength = 512;

        private readonly Dictionary<(string Field, string Text), AnalyzedText> _texts = [];
        private readonly Dictionary<string, ReplayStream> _streams = new(StringComparer.Ordinal);

        public void Preanalyze(params ReadOnlySpan<Field> fields)
        {
            foreach (var field in fields)
            {
                var text = field.GetStringValue();
                var stream = _streams.TryGetValue(field.Name, out var s) ? s : _streams[field.Name] = new ReplayStream();
                if (text is null || text.Length > MaxLength)
                {
                    field.SetTokenStream(null);
                    continue;
                }
                if (!_texts.TryGetValue((field.Name, text), out var analyzed))
                {
                    if (_texts.Count >= MaxTexts)
                    {
                        field.SetTokenStream(null);
                        continue;
                    }
                    analyzed = AnalyzedText.Of(analyzer, field.Name, text);
                    _texts[(field.Name, text)] = analyzed;
                }
                stream.Replay(analyzed);
                field.SetTokenStream(stream);
            }
        }
    }

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
