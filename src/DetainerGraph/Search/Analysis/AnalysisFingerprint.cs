using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace DetainerGraph.Search.Analysis;

/// <summary>
/// What a charge is indexed by, as one short text: the analysis code's <see cref="Revision"/> and a SHA-256 of every
/// data file the analysis reads (synonyms, abbreviations, concepts, category rules, the vocabularies and the shipped
/// charge texts the lexicon learns from). Both engines store it with their index (Lucene in its commit data,
/// Elasticsearch in the mapping's <c>_meta</c>), and the search outbox rebuilds at start an index that holds another:
/// an index built before an upgrade changed the rules would otherwise answer by the old rules, with counts that
/// match neither version, until someone remembered to run <c>reindex</c>.
/// </summary>
public static class AnalysisFingerprint
{
    /// <summary>
    /// Raise by one with any change to how the analysis code reads a text (a new word separator, a filter, the order of
    /// steps), so that every index built before it is rebuilt. Data file edits need no raise: their bytes are hashed.
    /// </summary>
    public const int Revision = 1;

    /// <summary>The key the fingerprint is stored under (Lucene commit data, Elasticsearch <c>_meta</c>).</summary>
    public const string Key = "analysis";

    /// <summary>Every file of <c>data/</c> the analysis reads; a test checks that the analysis code names no other.</summary>
    public static readonly IReadOnlyList<string> DataFiles =
    [
        ChargeAnalysis.SynonymFileName,
        ChargeReader.AbbreviationsFileName,
        ChargeReader.ConceptsFileName,
        ChargeReader.CategoryRulesFileName,
        ChargeLexicon.VocabularyFileName,
        ChargeLexicon.IceChargeValuesFileName,
        ChargeLexicon.NcicOffenseCodesFileName,
        .. ChargeLexicon.ChargeTextFiles.Select(f => f.File),
    ];

    /// <summary>What an index's fingerprint says once another analysis may have written into it.</summary>
    public const string MixedPrefix = "mixed: ";

    /// <summary>
    /// The fingerprint of an index built with <paramref name="built"/> (null: one from before fingerprints) once
    /// <paramref name="writer"/> may write into it: null when they are the same or the index already says it is mixed
    /// (no fingerprint matches either, so every version rebuilds it), else both named, neither matching any version's.
    /// </summary>
    public static string? MixedWith(string? built, string writer) =>
        built == writer || (built?.StartsWith(MixedPrefix, StringComparison.Ordinal) ?? false) ? null : $"{MixedPrefix}{built ?? "none"} and {writer}";

    private static readonly ConcurrentDictionary<(string Directory, bool Expanded), string> Computed = new();

    /// <summary>The fingerprint of the analysis over the shipped data (what the server indexes with).</summary>
    public static string Shipped => Of(Path.Combine(AppContext.BaseDirectory, "data"));

    /// <summary>
    /// The fingerprint of the analysis over <paramref name="dataDirectory"/>'s files; <paramref name="expanded"/> false for
    /// an index built without <see cref="ChargeReader"/>'s readings (benchmarks' plain baseline), which differs.
    /// </summary>
    public static string Of(string dataDirectory, bool expanded = true) =>
        Computed.GetOrAdd((Path.GetFullPath(dataDirectory), expanded), key =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var file in DataFiles)
            {
                // The name and length before the bytes: moving text from one file to the next changes the fingerprint.
                // The lexicon reads the shipped charge texts only when present (a deployment may trim them): absent, a
                // file counts as such, not as a failure to start.
                var path = Path.Combine(key.Directory, file);
                var bytes = File.Exists(path) ? File.ReadAllBytes(path) : null;
                hash.AppendData(Encoding.UTF8.GetBytes(bytes is null ? $"{file}\nabsent\n" : $"{file}\n{bytes.Length}\n"));
                hash.AppendData(bytes ?? []);
            }
            var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
            return $"r{Revision}{(key.Expanded ? "" : "-plain")}-{digest[..32]}";
        });
}
