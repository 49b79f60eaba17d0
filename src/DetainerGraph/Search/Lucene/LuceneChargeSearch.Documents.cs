using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Search.Analysis;
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
    private sealed class DocumentBuilder(ChargeReader? reader)
    {
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
            _doc.Add(_id);
            _doc.Add(_detainerId);
            _doc.Add(_sortId);
            _doc.Add(_description);
            _doc.Add(_words);
            _doc.Add(_codes);
            if (ChargeDocuments.Expanded(d, reader) is { } expanded)
            {
                _expanded.SetStringValue(expanded);
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
}
