using System.Text.RegularExpressions;
using DetainerGraph.Data;
using DetainerGraph.Reference;

namespace DetainerGraph.Import;

/// <summary>Turns the ways sources name a jurisdiction into a <see cref="JurisdictionRef"/>.</summary>
public sealed partial class JurisdictionNames(ReferenceData reference)
{
    private static readonly string[] CountySuffixes = [" County", " Parish", " Borough", " Census Area", " Municipality"];

    /// <summary>A jurisdiction named by a "county" column (DDOR Section I and II): "Travis County", or a city.</summary>
    public JurisdictionRef FromName(string state, string name)
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
    /// FOIA detainer records name only the facility. Its jurisdiction is read from the name where the name
    /// says it: "MONTGOMERY CNTY JAIL, PA" and "DELAWARE CO JAIL" are county jails, "SCI ..." the state's
    /// prisons, "FCI"/"USP"/"US MARSHAL" federal. Anything else stays without a jurisdiction rather than
    /// being guessed.
    /// </summary>
    public JurisdictionRef? FromFacility(string state, string facility, string? city)
    {
        var upper = facility.ToUpperInvariant();
        if (FederalPattern().IsMatch(upper))
        {
            return new JurisdictionRef(state, "Federal Bureau of Prisons and U.S. Marshals", JurisdictionKind.Other,
                reference.FieldOfficeOf(state, null));
        }
        if (StatePrisonPattern().IsMatch(upper))
        {
            return new JurisdictionRef(state, $"{States.NameOf(state)} Department of Corrections", JurisdictionKind.StateAgency,
                reference.FieldOfficeOf(state, null));
        }
        var county = CountyFacilityPattern().Match(upper);
        if (county.Success)
        {
            var name = ToTitle(county.Groups["name"].Value) + " County";
            if (reference.FipsOf(state, name) is not null)
            {
                return FromName(state, name);
            }
        }
        // Philadelphia is a consolidated city-county: its police districts and jails belong to the county.
        if (string.Equals(city, "PHILADELPHIA", StringComparison.OrdinalIgnoreCase) && state == "PA"
            && (upper.StartsWith("PHILADELPHIA", StringComparison.Ordinal) || upper.Contains("CORR", StringComparison.Ordinal)
                || upper.StartsWith("ROUNDHOUSE", StringComparison.Ordinal) || upper.StartsWith("YOUTH STUDY", StringComparison.Ordinal)))
        {
            return FromName(state, "Philadelphia County");
        }
        return null;
    }

    private static string ToTitle(string upper) =>
        string.Join(' ', upper.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Length <= 1 ? w : w[0] + w[1..].ToLowerInvariant()));

    [GeneratedRegex(@"^(?<name>.+?),\s*(?<state>[^,(]+?)\s*\((?<office>[^)]+)\)\s*$")]
    private static partial Regex NameStateOfficePattern();

    [GeneratedRegex(@"DEPARTMENT OF CORRECTIONS|DEPT\.? OF CORRECTIONS|STATE PRISON|STATE POLICE", RegexOptions.IgnoreCase)]
    private static partial Regex StateAgencyPattern();

    [GeneratedRegex(@"\b(FCI|FDC|USP|FED\.?\s?CORR|FED\.?\s?PRISON|U\.?S\.?\s?PEN|US MARSHALS?|U\.S\. MARSHALS?)\b|\bFED\.")]
    private static partial Regex FederalPattern();

    [GeneratedRegex(@"^(SCI|S\.C\.I\.|SRCF)\b")]
    private static partial Regex StatePrisonPattern();

    [GeneratedRegex(@"^(?<name>[A-Z][A-Z ]*?)\s+(CNTY|COUNTY|CO\.?)(\s|,|$)")]
    private static partial Regex CountyFacilityPattern();
}
