using System.Text;
using DetainerGraph.Import;

namespace DetainerGraph.Reference;

/// <summary>
/// The reference tables the importers match against, read once from the shipped <c>data/</c> folder:
/// U.S. counties with FIPS codes, field offices by state and county, the NCIC offense catalog, the rules that
/// place a facility in its jurisdiction and the mapping of jail dispositions to outcomes.
/// </summary>
public sealed partial class ReferenceData
{
    private readonly Dictionary<(string State, string County), string> _fipsByCounty;
    private readonly Dictionary<string, string> _fieldOfficeByState;
    private readonly Dictionary<(string State, string County), string> _fieldOfficeByCounty;
    private readonly Dictionary<string, NcicOffense> _offenseByFoldedText;
    private readonly Dictionary<string, string> _categoryByBlock;
    private readonly Dictionary<string, string> _spellingFolds;

    public ReferenceData(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        Counties = Rows("us_counties_fips.csv")
            .Select(r => new County(r["state"], r["countyname"], r["statefp"] + r["countyfp"]))
            .ToList();
        _fipsByCounty = new(CountyKeyComparer.Instance);
        foreach (var county in Counties)
        {
            _fipsByCounty.TryAdd((county.State, county.Name), county.Fips);
        }

        _fieldOfficeByState = new(StringComparer.OrdinalIgnoreCase);
        _fieldOfficeByCounty = new(CountyKeyComparer.Instance);
        foreach (var row in Rows("field_offices.csv"))
        {
            var office = FieldOffices.Normalize(row["field_office"])
                ?? throw new InvalidDataException($"field_offices.csv: unknown field office '{row["field_office"]}'");
            if (row["county"].Length == 0)
            {
                _fieldOfficeByState[row["state"]] = office;
            }
            else
            {
                _fieldOfficeByCounty[(row["state"], row["county"])] = office;
            }
        }

        _spellingFolds = Rows("ncic_spelling_folds.csv").ToDictionary(r => r["variant"], r => r["canonical"]);
        _categoryByBlock = Rows("ncic_categories.csv").ToDictionary(r => r["block"], r => r["category"]);
        Offenses = Rows("ncic_offense_codes.csv")
            .Select(r => new NcicOffense(r["ncic_code"], r["description"], _categoryByBlock.GetValueOrDefault(r["ncic_code"][..2])))
            .ToList();
        _offenseByFoldedText = new();
        foreach (var offense in Offenses)
        {
            _offenseByFoldedText.TryAdd(Fold(offense.Description), offense);
            _offenseByCode.TryAdd(offense.Code, offense);
        }
        JurisdictionRules = Rows("jurisdiction_rules.csv").Select(JurisdictionRule.Parse).ToList();
        _outcomeByDisposition = new(StringComparer.OrdinalIgnoreCase);
        foreach (var row in Rows("jail_disposition_outcomes.csv"))
        {
            _outcomeByDisposition[row["disposition"]] = Enum.Parse<Data.DetainerOutcome>(row["outcome"]);
        }
    }

    private readonly Dictionary<string, NcicOffense> _offenseByCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Data.DetainerOutcome> _outcomeByDisposition;

    /// <summary>The facility-name rules of <c>data/jurisdiction_rules.csv</c>, in the file's order: the first that matches wins.</summary>
    public IReadOnlyList<JurisdictionRule> JurisdictionRules { get; }

    /// <summary>The NCIC offense with this four-digit code, if the catalog has it.</summary>
    public NcicOffense? OffenseOfCode(string code) => _offenseByCode.GetValueOrDefault(code);

    /// <summary>A county's name as the FIPS table spells it ("McKean County" for "MCKEAN COUNTY"), or null when there is none.</summary>
    public string? CountyName(string state, string name) =>
        _fipsByCounty.ContainsKey((state, name)) ? Counties.First(c => c.State.Equals(state, StringComparison.OrdinalIgnoreCase) && c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Name : null;

    /// <summary>
    /// The outcome a jail's detainer disposition ("RELEASED TO ICE") stands for, by <c>data/jail_disposition_outcomes.csv</c>;
    /// false for a disposition the file does not list.
    /// </summary>
    public bool TryMapDisposition(string disposition, out Data.DetainerOutcome outcome) =>
        _outcomeByDisposition.TryGetValue(disposition, out outcome);

    public string DataDirectory { get; }
    public IReadOnlyList<County> Counties { get; }
    public IReadOnlyList<NcicOffense> Offenses { get; }

    public string? FipsOf(string state, string countyName) => _fipsByCounty.GetValueOrDefault((state, countyName));

    /// <summary>The field office for a county: a county-specific entry wins over its state's.</summary>
    public string? FieldOfficeOf(string state, string? countyName) =>
        (countyName is not null ? _fieldOfficeByCounty.GetValueOrDefault((state, countyName)) : null)
        ?? (IsSplitState(state) ? null : _fieldOfficeByState.GetValueOrDefault(state));

    /// <summary>A state whose counties fall under several offices and that has no state-wide default.</summary>
    public bool IsSplitState(string state) => !_fieldOfficeByState.ContainsKey(state);

    /// <summary>Matches a charge text to an NCIC offense, with case, punctuation and known abbreviations folded.</summary>
    public NcicOffense? MatchOffense(string description) =>
        _offenseByFoldedText.GetValueOrDefault(Fold(description))
        // "Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)": the statute note does not name the offense.
        ?? (Parenthetical().Replace(description, " ") is var bare && bare != description
            ? _offenseByFoldedText.GetValueOrDefault(Fold(bare))
            : null);

    /// <summary>
    /// The NCIC category of a charge text: its matched offense's, else the one the category rules
    /// (<c>charge_category_rules.csv</c>) give the words <see cref="Search.Analysis.ChargeReader"/> reads it as
    /// (<c>CRIM TRSP 1 /DV</c> is Invade Privacy through "trespass"); null when neither knows it.
    /// </summary>
    public string? ClassifyCharge(string description, NcicOffense? offense) =>
        offense?.Category ?? Search.Analysis.ChargeReader.For(DataDirectory).Classify(description);

    /// <summary>
    /// The NCIC code and category a stored charge carries, the one rule the import, a correction and the re-derivation at
    /// start (<see cref="Data.ChargeClassifications"/>) share: the offense of the file's own code when the catalog knows it,
    /// else the offense its text matches; the category that offense's, else the one its words give
    /// (<see cref="ClassifyCharge"/>).
    /// </summary>
    public (string? Code, string? Category) ClassifyStoredCharge(string description, string? fileCode)
    {
        var offense = (fileCode is null ? null : OffenseOfCode(fileCode)) ?? MatchOffense(description);
        return (offense?.Code, ClassifyCharge(description, offense));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\((?>[^()]+|\((?<d>)|\)(?<-d>))*\)|\[[^\]]*\]")]
    private static partial System.Text.RegularExpressions.Regex Parenthetical();

    /// <summary>The NCIC block name for a four-digit code ("5404" is "Traffic Offense").</summary>
    public string? CategoryOf(string ncicCode) =>
        ncicCode.Length >= 2 ? _categoryByBlock.GetValueOrDefault(ncicCode[..2]) : null;

    /// <summary>
    /// Upper-cases, turns every run of non-alphanumerics into one space, and replaces known variant spellings,
    /// so "Aggravated Assault - Non-family-Weapon" and "AGGRAV ASSLT - NONFAMILY-WEAPON" fold alike.
    /// </summary>
    public string Fold(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(char.ToUpperInvariant(ch));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return string.Join(' ', words.Select(w => _spellingFolds.GetValueOrDefault(w, w)));
    }

    private IEnumerable<Dictionary<string, string>> Rows(string fileName)
    {
        var path = Path.Combine(DataDirectory, fileName);
        string[]? header = null;
        foreach (var record in CsvReader.ReadFile(path))
        {
            if (header is null)
            {
                header = [.. record.Fields];
                continue;
            }
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = i < record.Fields.Count ? record.Fields[i].Trim() : "";
            }
            yield return row;
        }
    }

    private sealed class CountyKeyComparer : IEqualityComparer<(string State, string County)>
    {
        public static readonly CountyKeyComparer Instance = new();

        public bool Equals((string State, string County) x, (string State, string County) y) =>
            string.Equals(x.State, y.State, StringComparison.OrdinalIgnoreCase)
            && string.Equals(x.County, y.County, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string State, string County) obj) =>
            HashCode.Combine(
                StringComparer.OrdinalIgnoreCase.GetHashCode(obj.State),
                StringComparer.OrdinalIgnoreCase.GetHashCode(obj.County));
    }
}

public sealed record County(string State, string Name, string Fips);

/// <summary>
/// A row of <c>data/jurisdiction_rules.csv</c>: facilities in <see cref="State"/> ("*" for any state), and in
/// <see cref="City"/> when given, whose name matches <see cref="Pattern"/> (case-insensitive) belong to
/// <see cref="Jurisdiction"/> ("{state}" stands for the state's name).
/// </summary>
public sealed record JurisdictionRule(
    string Name,
    string State,
    string? City,
    System.Text.RegularExpressions.Regex Pattern,
    Data.JurisdictionResolution Resolution,
    string Jurisdiction,
    Data.JurisdictionKind Kind,
    string Basis)
{
    public static JurisdictionRule Parse(Dictionary<string, string> row) => new(
        row["rule"],
        row["state"],
        row["city"].Length == 0 ? null : row["city"],
        new System.Text.RegularExpressions.Regex(row["facility_pattern"],
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1)),
        Enum.Parse<Data.JurisdictionResolution>(row["resolution"]),
        row["jurisdiction"],
        Enum.Parse<Data.JurisdictionKind>(row["kind"]),
        row["basis"]);

    public bool Matches(string state, string facility, string? city) =>
        (State == "*" || string.Equals(State, state, StringComparison.OrdinalIgnoreCase))
        && (City is null || string.Equals(City, city, StringComparison.OrdinalIgnoreCase))
        && Pattern.IsMatch(facility);
}

public sealed record NcicOffense(string Code, string Description, string? Category);
