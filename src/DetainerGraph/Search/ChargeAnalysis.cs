using Lucene.Net.Analysis;
using Lucene.Net.Analysis.CharFilters;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Synonym;
using Lucene.Net.Util;

namespace DetainerGraph.Search;

/// <summary>
/// Charge text analysis, the same chain Elasticsearch will be given: the standard (UAX#29) tokenizer, which
/// splits both <c>DRIVING UNDER INFLUENCE ALCOHOL</c> and <c>Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)</c>
/// into words; lower case; ASCII folding; then synonyms (index side only, see below); possessives dropped;
/// Porter stemming; a word stacked twice at one position kept once. Synonyms sit before stemming so the list is written in plain words.
/// </summary>
public static class ChargeAnalysis
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>The synonym list shipped in <c>data/</c>.</summary>
    public const string SynonymFileName = "charge_synonyms.txt";

    /// <summary>
    /// Reads the synonym file (Solr format) into a map. Multi-word rules work because Lucene.NET 4.8 expands
    /// them at index time: a query word then meets the stacked synonym tokens in the document.
    /// </summary>
    public static SynonymMap LoadSynonyms(string path)
    {
        using var reader = new StreamReader(path);
        return ParseSynonyms(reader);
    }

    public static SynonymMap ParseSynonyms(TextReader reader)
    {
        using var plain = new PlainAnalyzer();
        var parser = new SolrSynonymParser(dedup: true, expand: true, plain);
        parser.Parse(reader);
        return parser.Build();
    }

    /// <summary>The analyzer that writes the index: with synonyms. Highlighting uses it too, so synonym hits are marked.</summary>
    public static Analyzer IndexAnalyzer(SynonymMap synonyms) => new ChargeAnalyzer(synonyms);

    /// <summary>The analyzer for query words: the same chain without synonyms (the index already holds them).</summary>
    public static Analyzer QueryAnalyzer() => new ChargeAnalyzer(null);

    /// <summary>Lower case and ASCII folding only: for prefixes and "did you mean" words, which must not be stemmed.</summary>
    public static Analyzer PlainWordAnalyzer() => new PlainAnalyzer();

    /// <summary>The tokens <paramref name="analyzer"/> makes of <paramref name="text"/> (tests and query building).</summary>
    public static List<string> Tokens(Analyzer analyzer, string field, string text)
    {
        var tokens = new List<string>();
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            tokens.Add(term.ToString());
        }
        stream.End();
        return tokens;
    }

    /// <summary>
    /// Characters read as a space before the tokenizer. UAX#29 counts a colon between letters as part of one word
    /// (Swedish "S:t"), so Travis County's <c>ASSLT CAUSES BODILY INJ:FAMILY MEMBER (MA)</c>, 1,164 of its 15,237
    /// charges, was indexed as <c>inj:family</c> and never found by "family" or "inj". Charge texts use the colon
    /// only as a separator. Elasticsearch gets the same mapping as a <c>mapping</c> char filter
    /// (<see cref="Elasticsearch.ElasticChargeIndex"/>).
    /// </summary>
    public static IReadOnlyList<char> WordSeparators { get; } = [':'];

    private static readonly NormalizeCharMap SeparatorMap = BuildSeparatorMap();

    private static NormalizeCharMap BuildSeparatorMap()
    {
        var builder = new NormalizeCharMap.Builder();
        foreach (var separator in WordSeparators)
        {
            builder.Add(separator.ToString(), " ");
        }
        return builder.Build();
    }

    private static TextReader SeparateWords(TextReader reader) => new MappingCharFilter(SeparatorMap, reader);

    private sealed class ChargeAnalyzer(SynonymMap? synonyms) : Analyzer
    {
        protected override TextReader InitReader(string fieldName, TextReader reader) => SeparateWords(reader);

        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new StandardTokenizer(Version, reader) { MaxTokenLength = 64 };
            TokenStream stream = new LowerCaseFilter(Version, tokenizer);
            stream = new ASCIIFoldingFilter(stream);
            if (synonyms is not null)
            {
                stream = new SynonymFilter(stream, synonyms, ignoreCase: true);
            }
            stream = new EnglishPossessiveFilter(Version, stream);
            stream = new PorterStemFilter(stream);
            // A synonym rule can stack a word onto itself ("sex assault" => "sexual assault" puts a second
            // "assault" on the first): counted twice, it made "Sex Assault" outrank "Assault" for "assault".
            stream = new RemoveDuplicatesTokenFilter(stream);
            return new TokenStreamComponents(tokenizer, stream);
        }
    }

    private sealed class PlainAnalyzer : Analyzer
    {
        protected override TextReader InitReader(string fieldName, TextReader reader) => SeparateWords(reader);

        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new StandardTokenizer(Version, reader) { MaxTokenLength = 64 };
            TokenStream stream = new LowerCaseFilter(Version, tokenizer);
            stream = new ASCIIFoldingFilter(stream);
            return new TokenStreamComponents(tokenizer, stream);
        }
    }
}
