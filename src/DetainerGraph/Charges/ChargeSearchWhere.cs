using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Search;
using DetainerGraph.Weeks;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Charges;

/// <summary>
/// Turns the <c>DetainerFilterInput</c> that <c>searchCharges(where:)</c> shares with the detainer lists into the
/// value sets the engine filters on, so totals, facets and pages stay exact. The conditions mean what they mean on
/// the lists: each one is evaluated by the filter inputs' own predicates (<see cref="FilterInputGraphType{T,TSelf}.ToPredicate"/>,
/// within <see cref="FilterLimits"/>), over the values it can select: jurisdictions and weeks in SQL, enum values and
/// the named citizenships in memory. What the engine cannot filter is refused with <c>SEARCH_FILTER_UNSUPPORTED</c>,
/// never filtered after the search: <c>or</c> at the top, <c>field: null</c>, the dates, <c>facility</c>, <c>charges</c>
/// (a hit is one charge: use <c>chargeStatus</c> and <c>chargeCategory</c>), and text operations on <c>citizenship</c>.
/// </summary>
public static class ChargeSearchWhere
{
    public const string UnsupportedCode = "SEARCH_FILTER_UNSUPPORTED";

    /// <summary>
    /// All <c>jurisdiction</c> conditions are resolved with one SQL query and all <c>week</c> conditions with another,
    /// whatever the number of <c>and</c> items.
    /// </summary>
    public static async Task<ChargeSearchFilter> TranslateAsync(IDictionary<string, object?>? where, DetainerDbContext db, CancellationToken ct)
    {
        var byField = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        foreach (var (field, condition) in DetainerFilterInputGraphType.Conjuncts(where))
        {
            if (condition is null)
            {
                // Never ignored: the lists answer `field: null` as "missing"; the engine does not index absence.
                throw Unsupported($"`{field}: null` (charges whose detainer has no {field})");
            }
            if (field is not ("jurisdiction" or "week" or "outcome" or "detainerType" or "citizenship"))
            {
                throw Unsupported(field == "charges" ? "`charges` (conditions on the detainer's other charges)" : $"`{field}`");
            }
            (byField.TryGetValue(field, out var conditions) ? conditions : byField[field] = []).Add(condition);
        }
        var filter = new ChargeSearchFilter();
        if (byField.TryGetValue("jurisdiction", out var jurisdictions))
        {
            if (StatesOnly(jurisdictions) is { } states)
            {
                // The shape the engine filters itself: its predicate would be a string's eq or in, which always builds, so
                // only its limits are checked, as building it would check them.
                FilterLimits.Check(AllOf(jurisdictions));
                filter.States = states;
            }
            else
            {
                // Built before anything runs: its errors (limits, bad operations) are the lists' own.
                var predicate = JurisdictionFilterInputGraphType.ToPredicate(AllOf(jurisdictions));
                filter.JurisdictionIds = [.. (await db.Jurisdictions.Where(predicate).Select(j => j.Id).ToListAsync(ct)).Distinct().Order()];
            }
        }
        if (byField.TryGetValue("week", out var weeks))
        {
            if (StartRangeOnly(weeks) is var (from, to))
            {
                // As for states: comparisons of a date with a date always build; the limits are checked.
                FilterLimits.Check(AllOf(weeks));
                (filter.WeekFrom, filter.WeekTo) = (from, to);
            }
            else
            {
                var predicate = WeekFilterInputGraphType.ToPredicate(AllOf(weeks));
                filter.WeekStarts = [.. (await db.Weeks.Where(predicate).Select(w => w.Start).ToListAsync(ct)).Distinct().Order()];
            }
        }
        if (byField.TryGetValue("outcome", out var outcomes))
        {
            filter.Outcomes = MatchingValues<DetainerOutcome>("outcome", outcomes, v => new Detainer { Outcome = v });
        }
        if (byField.TryGetValue("detainerType", out var types))
        {
            filter.DetainerTypes = MatchingValues<DetainerType>("detainerType", types, v => new Detainer { DetainerType = v });
        }
        if (byField.TryGetValue("citizenship", out var citizenships))
        {
            filter.Citizenships = MatchingCitizenships(citizenships);
        }
        return filter;
    }

    /// <summary>
    /// The values of enum <typeparamref name="TEnum"/> that <paramref name="conditions"/> on <paramref name="field"/> select.
    /// When every condition is plain <c>eq</c>, <c>neq</c>, <c>in</c> or <c>nin</c> of values of the enum (what GraphQL
    /// parses), they are tested directly, after the limits check the predicate makes (first, on either path), instead of compiling the
    /// lists' predicate on every search: the same values, since that predicate is exactly these comparisons and nothing
    /// in it can fail to build. Anything else goes through the predicate (<see cref="MatchingByPredicate"/>), errors included.
    /// </summary>
    internal static List<TEnum> MatchingValues<TEnum>(string field, List<object?> conditions, Func<TEnum, Detainer> detainerWith)
        where TEnum : struct, Enum
    {
        // The limits first, as the predicate checks them before it is built: a list over the limit is refused before
        // anything is made of its values.
        FilterLimits.Check(Conditions(field, conditions));
        if (EnumTests<TEnum>(conditions) is not { } tests)
        {
            return MatchingByPredicate(field, conditions, Enum.GetValues<TEnum>(), detainerWith);
        }
        return [.. Enum.GetValues<TEnum>().Where(v => tests.TrueForAll(test => test(v)))];
    }

    /// <summary>
    /// The named citizenships <paramref name="conditions"/> select, in ordinal order. The engine matches whole values: a
    /// condition must name them (eq, in), and the ones named are the candidates. When every condition is only <c>eq</c>
    /// and <c>in</c> of text (no null), they are tested directly, as <see cref="MatchingValues{TEnum}"/> does; otherwise
    /// the predicate is built first and its errors come before the refusals of <see cref="NamedValues"/>, as always.
    /// </summary>
    internal static List<string> MatchingCitizenships(List<object?> conditions)
    {
        var named = conditions.SelectMany(c => NamedValues("citizenship", c)).Distinct(StringComparer.Ordinal);
        FilterLimits.Check(Conditions("citizenship", conditions));
        if (TextTests(conditions) is not { } tests)
        {
            return [.. MatchingByPredicate("citizenship", conditions, named, v => new Detainer { Citizenship = v }).Order(StringComparer.Ordinal)];
        }
        return [.. named.Where(v => tests.TrueForAll(test => test(v))).Order(StringComparer.Ordinal)];
    }

    /// <summary>One test per operation of <paramref name="conditions"/>, or null unless each is eq/neq (a value of the enum) or in/nin (a list of them).</summary>
    private static List<Func<TEnum, bool>>? EnumTests<TEnum>(List<object?> conditions)
        where TEnum : struct, Enum
    {
        var tests = new List<Func<TEnum, bool>>();
        foreach (var condition in conditions)
        {
            if (condition is not IDictionary<string, object?> operations)
            {
                return null;
            }
            foreach (var (operation, value) in operations)
            {
                switch (operation)
                {
                    case "eq" or "neq" when value is TEnum one:
                        tests.Add(operation == "eq"
                            ? v => EqualityComparer<TEnum>.Default.Equals(v, one)
                            : v => !EqualityComparer<TEnum>.Default.Equals(v, one));
                        break;
                    case "in" or "nin" when value is IEnumerable<object?> list:
                        var values = new HashSet<TEnum>();
                        foreach (var item in list)
                        {
                            if (item is not TEnum member)
                            {
                                return null;
                            }
                            values.Add(member);
                        }
                        tests.Add(operation == "in" ? values.Contains : v => !values.Contains(v));
                        break;
                    default:
                        return null;
                }
            }
        }
        return tests;
    }

    /// <summary>One test per operation of <paramref name="conditions"/>, or null unless each is eq (text) or in (a list of text).</summary>
    private static List<Func<string, bool>>? TextTests(List<object?> conditions)
    {
        var tests = new List<Func<string, bool>>();
        foreach (var condition in conditions)
        {
            if (condition is not IDictionary<string, object?> { Count: > 0 } operations)
            {
                return null;
            }
            foreach (var (operation, value) in operations)
            {
                switch (operation)
                {
                    case "eq" when value is string one:
                        tests.Add(v => string.Equals(v, one, StringComparison.Ordinal));
                        break;
                    case "in" when value is IEnumerable<object?> list:
                        // A set: a list of up to FilterLimits.MaxListValues names tests each candidate in one lookup.
                        var values = new HashSet<string>(StringComparer.Ordinal);
                        foreach (var item in list)
                        {
                            if (item is not string text)
                            {
                                return null;
                            }
                            values.Add(text);
                        }
                        tests.Add(values.Contains);
                        break;
                    default:
                        return null;
                }
            }
        }
        return tests;
    }

    /// <summary>
    /// The state codes of a lone <c>jurisdiction: { state: { eq | in } }</c> whose values are all two capital letters, or
    /// null. The engine filters those on each document's state (its jurisdiction's, indexed with it) without asking the
    /// database which jurisdictions are in the state: the same charges, one SQL statement fewer. Only the canonical form:
    /// the store holds states as two capital letters (the importer normalizes them), so such a value selects in the
    /// engine exactly the jurisdictions SQLite (byte for byte) and SQL Server (its collation) would; anything else asks
    /// the database as before.
    /// </summary>
    private static List<string>? StatesOnly(List<object?> conditions)
    {
        if (conditions is not [IDictionary<string, object?> { Count: 1 } condition]
            || !condition.TryGetValue("state", out var state) || state is not IDictionary<string, object?> { Count: 1 } operation)
        {
            return null;
        }
        var (name, value) = operation.First();
        List<object?> values = name switch
        {
            "eq" => [value],
            "in" => value is IEnumerable<object?> list ? [.. list] : [],
            _ => [],
        };
        return values.Count > 0 && values.All(v => v is string { Length: 2 } code && code.All(char.IsAsciiLetterUpper))
            ? [.. values.Cast<string>()]
            : null;
    }

    /// <summary>
    /// The bounds of a lone <c>week: { start: { ... } }</c> made only of <c>gte</c>, <c>gt</c>, <c>lte</c> and <c>lt</c>
    /// (null for no bound), or null. The engine filters a range of week starts directly; every detainer's week is a row of
    /// the weeks table (a foreign key), so the range selects the same charges as the weeks the database would list.
    /// </summary>
    private static (DateOnly? From, DateOnly? To)? StartRangeOnly(List<object?> conditions)
    {
        if (conditions is not [IDictionary<string, object?> { Count: 1 } condition]
            || !condition.TryGetValue("start", out var start) || start is not IDictionary<string, object?> { Count: > 0 } operations)
        {
            return null;
        }
        DateOnly? from = null, to = null;
        foreach (var (name, value) in operations)
        {
            if (value is not DateOnly day)
            {
                return null;
            }
            switch (name)
            {
                case "gte":
                    from = from is { } f && f > day ? f : day;
                    break;
                case "gt" when day < DateOnly.MaxValue:
                    from = from is { } f2 && f2 > day.AddDays(1) ? f2 : day.AddDays(1);
                    break;
                case "lte":
                    to = to is { } t && t < day ? t : day;
                    break;
                case "lt" when day > DateOnly.MinValue:
                    to = to is { } t2 && t2 < day.AddDays(-1) ? t2 : day.AddDays(-1);
                    break;
                default:
                    return null;
            }
        }
        return (from, to);
    }

    /// <summary>The candidates a detainer with that one value would be listed for, by the lists' own predicate for these conditions.</summary>
    internal static List<TValue> MatchingByPredicate<TValue>(string field, List<object?> conditions, IEnumerable<TValue> candidates, Func<TValue, Detainer> detainerWith)
    {
        var holds = DetainerFilterInputGraphType.ToPredicate(Conditions(field, conditions)).Compile(preferInterpretation: true);
        return [.. candidates.Where(v => holds(detainerWith(v)))];
    }

    /// <summary>The conditions on one field as a filter of their own, all of them to hold.</summary>
    private static Dictionary<string, object?> Conditions(string field, List<object?> conditions) =>
        AllOf([.. conditions.Select(c => new Dictionary<string, object?> { [field] = c })]);

    private static Dictionary<string, object?> AllOf(List<object?> conditions) =>
        conditions.Count == 1 ? new((IDictionary<string, object?>)conditions[0]!) : new() { ["and"] = conditions };

    private static IEnumerable<string> NamedValues(string field, object? condition)
    {
        var operations = condition as IDictionary<string, object?> ?? new Dictionary<string, object?>();
        if (operations.Count == 0)
        {
            throw Unsupported($"`{field}` without a condition");
        }
        foreach (var (operation, value) in operations)
        {
            var values = operation switch
            {
                "eq" => [value],
                "in" => value as IEnumerable<object?> ?? [],
                _ => throw Unsupported($"`{field}: {{ {operation} }}`"),
            };
            foreach (var named in values)
            {
                yield return named as string ?? throw Unsupported($"`{field}: {{ {operation} }}` with null");
            }
        }
    }

    private static ExecutionError Unsupported(string what) =>
        new($"Charge search cannot filter on {what} inside the search engine, and does not filter after it (totals and pages would be wrong). " +
            "It filters on jurisdiction { ... }, week { ... }, outcome and detainerType (eq, in, neq, nin), citizenship (eq, in), and `and`; " +
            "the charge itself with the chargeStatus and chargeCategory arguments.")
        { Code = UnsupportedCode };
}
