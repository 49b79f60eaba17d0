using System.Text.RegularExpressions;
using DetainerGraph.Data;
using DetainerGraph.Reference;

namespace DetainerGraph.Import;

/// <summary>Turns the ways sources name a jurisdiction into a <see cref="JurisdictionRef"/>.</summary>
public sealed partial class JurisdictionNames(ReferenceData reference)
{
    private static readonly string[] CountySuffixes = [" County", " Parish", " Borough", " Census Area", " Municipality"];

    // A file names each jurisdiction on many rows: each distinct (state, name) is looked up once, and its rows share
    // one instance (which also lets the writer resolve them by reference). Bounded like the CSV reader's pools.
    private const int MaxCached = 65_536;
    private readonly BoundedCache<(string State, string Name), JurisdictionRef> _named = new(MaxCached);
    private readonly BoundedCache<(string State, string Facility, string? City), Placement> _placed = new(MaxCached);

    /// <summary>A jurisdiction named by a "county" column (DDOR Section I and II): "Travis County", or a city.</summary>
    public JurisdictionRef FromName(string state, string name) =>
        _named.GetOrAdd((state, name), this, static (k, self) => self.Name(k.State, k.Name));

    private JurisdictionRef Name(string state, string name)
    {
        var isCounty = reference.FipsOf(state, name) is not null
            || CountySuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        var kind = isCounty ? JurisdictionKind.County
            : StateAgencyPattern().IsMatch(name) ? JurisdictionKind.StateAgency
            : JurisdictionKind.City;
        return new JurisdictionRef(state, name, kind, reference.FieldOfficeOf(state, isCounty ? name : null));
    }

    /// <summary>
    /// Section III's "Jurisdiction (AOR)": "Ithaca, New York (Buffalo)" or
    /// "Iowa City, Johnson County, Iowa (Saint Paul)". The state is the last comma part; the field office
    /// is in parentheses.
    /// </summary>
    public bool TryParseWithFieldOffice(string text, out JurisdictionRef jurisdiction, out string problem)
    {
        jurisdiction = null!;
        var match = NameStateOfficePattern().Match(text);
        if (!match.Success)
        {
            problem = "'Name, State (Field Office)', e.g. 'Travis County, Texas (San Antonio)'";
            return false;
        }
        var state = States.Normalize(match.Groups["state"].Value);
        if (state is null)
        {
            problem = $"a U.S. state after the last comma, not '{match.Groups["state"].Value}'";
            return false;
        }
        var office = FieldOffices.Normalize(match.Groups["office"].Value);
        if (office is null)
        {
            problem = $"an ICE field office in parentheses ({string.Join(", ", FieldOffices.All)})";
            return false;
        }
        var name = match.Groups["name"].Value.Trim();
        // "Iowa City, Johnson County" is a city: its first part names it.
        var named = FromName(state, name.Split(',')[0].Trim());
        jurisdiction = named with { Name = name, FieldOffice = office };
        problem = "";
        return true;
    }

    /// <summary>
    /// Records that name only the facility (ICE FOIA releases): the facility's jurisdiction, found by the first
    /// rule of <c>data/jurisdiction_rules.csv</c> that matches (state prisons, federal facilities, aliases and
    /// spelling folds), else by a county's exact name in the facility name ("MONTGOMERY CNTY JAIL, PA",
    /// "DELAWARE CO JAIL"). Anything else stays without a jurisdiction rather than being guessed; how each
    /// was placed is returned beside it so that a count can be audited.
    /// </summary>
    public Placement FromFacility(string state, string facility, string? city) =>
        _placed.GetOrAdd((state, facility, city), this, static (k, self) => self.Place(k.State, k.Facility, k.City));

    private Placement Place(string state, string facility, string? city)
    {
        foreach (var rule in reference.JurisdictionRules)
        {
            if (rule.Matches(state, facility, city))
            {
                var name = rule.Jurisdiction.Replace("{state}", States.NameOf(state), StringComparison.Ordinal);
                var jurisdiction = rule.Kind == JurisdictionKind.County
                    ? FromName(state, reference.CountyName(state, name) ?? name)
                    : new JurisdictionRef(state, name, rule.Kind, reference.FieldOfficeOf(state, null));
                return new Placement(jurisdiction, rule.Resolution, rule.Name);
            }
        }
        var county = CountyFacilityPattern().Match(facility.ToUpperInvariant());
        if (county.Success && reference.CountyName(state, ToTitle(county.Groups["name"].Value) + " County") is { } countyName)
        {
            return new Placement(FromName(state, countyName), JurisdictionResolution.ExactName, null);
        }
        return new Placement(null, JurisdictionResolution.Unresolved, null);
    }

    private static string ToTitle(string upper) =>
        string.Join(' ', upper.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Length <= 1 ? w : w[0] + w[1..].ToLowerInvariant()));

    [GeneratedRegex(@"^(?<name>.+?),\s*(?<state>[^,(]+?)\s*\((?<office>[^)]+)\)\s*$")]
    private static partial Regex NameStateOfficePattern();

    [GeneratedRegex(@"DEPARTMENT OF CORRECTIONS|DEPT\.? OF CORRECTIONS|STATE PRISON|STATE POLICE", RegexOptions.IgnoreCase)]
    private static partial Regex StateAgencyPattern();

    [GeneratedRegex(@"^(?<name>[A-Z][A-Z ]*?)\s+(CNTY|COUNTY|CO\.?)(\s|,|$)")]
    private static partial Regex CountyFacilityPattern();
}
