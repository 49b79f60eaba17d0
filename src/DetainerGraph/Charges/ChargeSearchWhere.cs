using System.Collections;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Search;
using DetainerGraph.Weeks;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Charges;

/// <summary>
/// Reads the <c>DetainerFilterInput</c> that <c>searchCharges(where:)</c> shares with the detainer lists into a
/// <see cref="ChargeSearchFilter"/> the engine applies itself, so totals, facets and pages stay exact. What the
/// engine cannot filter is refused with <c>SEARCH_FILTER_UNSUPPORTED</c>, never filtered after the search.
/// <list type="bullet">
/// <item><c>jurisdiction: {...}</c> and <c>week: {...}</c>, any of their conditions: resolved to jurisdiction IDs and
/// week starts by one SQL query each (with the detainer lists' own predicates), then filtered on in the engine.</item>
/// <item><c>outcome</c> and <c>detainerType</c>: <c>eq in neq nin</c> (a negation is the other values: both are never missing).</item>
/// <item><c>citizenship</c>: <c>eq in</c> with values.</item>
/// <item><c>and</c>: all parts hold (sets intersect).</item>
/// </list>
/// Refused: <c>or</c>, <c>issuedOn</c>, <c>outcomeRecordedOn</c>, <c>facility</c>, <c>charges</c> (a hit is one charge:
/// use the <c>chargeStatus</c> and <c>chargeCategory</c> arguments), and the other operations.
/// </summary>
public static class ChargeSearchWhere
{
    public const string UnsupportedCode = "SEARCH_FILTER_UNSUPPORTED";

    /// <summary>
    /// Checks <paramref name="where"/> with the lists' own limits (<see cref="FilterLimits.Check"/>:
    /// <c>FILTER_TOO_COMPLEX</c>), reads it, then resolves all of its <c>jurisdiction</c> conditions with one SQL
    /// query and all of its <c>week</c> conditions with another, whatever the number of <c>and</c> items.
    /// </summary>
    public static async Task<ChargeSearchFilter> TranslateAsync(IDictionary<string, object?>? where, DetainerDbContext db, CancellationToken ct)
    {
        FilterLimits.Check(where);
        var builder = new Builder();
        builder.Add(where);
        return await builder.BuildAsync(db, ct);
    }

    private static ExecutionError Unsupported(string what) =>
        new($"Charge search cannot filter on {what} inside the search engine, and does not filter after it (totals and pages would be wrong). " +
            "It filters on jurisdiction { ... }, week { ... }, outcome and detainerType (eq, in, neq, nin), citizenship (eq, in), and `and`; " +
            "the charge itself with the chargeStatus and chargeCategory arguments.")
        { Code = UnsupportedCode };

    private sealed class Builder
    {
        private HashSet<int>? _jurisdictions;
        private HashSet<DateOnly>? _weeks;
        private HashSet<DetainerOutcome>? _outcomes;
        private HashSet<DetainerType>? _types;
        private HashSet<string>? _citizenships;

        private readonly List<object?> _jurisdictionConditions = [];
        private readonly List<object?> _weekConditions = [];

        public void Add(IDictionary<string, object?>? where)
        {
            if (where is null)
            {
                return;
            }
            foreach (var (field, value) in where)
            {
                if (value is null)
                {
                    // Never ignored: the lists answer `field: null` as "missing"; the engine does not index absence.
                    throw Unsupported($"`{field}: null` (charges whose detainer has no {field})");
                }
                switch (field)
                {
                    case "and":
                        foreach (var part in (value as IEnumerable ?? Array.Empty<object>()).OfType<IDictionary<string, object?>>())
                        {
                            Add(part);
                        }
                        break;
                    case "jurisdiction":
                        _jurisdictionConditions.Add(Operations(field, value));
                        break;
                    case "week":
                        _weekConditions.Add(Operations(field, value));
                        break;
                    case "outcome":
                        _outcomes = Intersect(_outcomes, EnumValues<DetainerOutcome>(field, Operations(field, value)));
                        break;
                    case "detainerType":
                        _types = Intersect(_types, EnumValues<DetainerType>(field, Operations(field, value)));
                        break;
                    case "citizenship":
                        _citizenships = Intersect(_citizenships, Strings(field, Operations(field, value)));
                        break;
                    case "charges":
                        throw Unsupported("`charges` (conditions on the detainer's other charges)");
                    default:
                        throw Unsupported($"`{field}`");
                }
            }
        }

        /// <summary>The engine's filter: every jurisdiction condition in one SQL query (their `and`), the same for weeks.</summary>
        public async Task<ChargeSearchFilter> BuildAsync(DetainerDbContext db, CancellationToken ct)
        {
            if (_jurisdictionConditions.Count > 0)
            {
                var predicate = JurisdictionFilterInputGraphType.ToPredicate(All(_jurisdictionConditions));
                _jurisdictions = [.. await db.Jurisdictions.Where(predicate).Select(j => j.Id).ToListAsync(ct)];
            }
            if (_weekConditions.Count > 0)
            {
                var predicate = WeekFilterInputGraphType.ToPredicate(All(_weekConditions));
                _weeks = [.. await db.Weeks.Where(predicate).Select(w => w.Start).ToListAsync(ct)];
            }
            return Build();
        }

        private static Dictionary<string, object?> All(List<object?> conditions) =>
            conditions.Count == 1 ? new((IDictionary<string, object?>)conditions[0]!) : new() { ["and"] = conditions };

        private ChargeSearchFilter Build() => new()
        {
            JurisdictionIds = _jurisdictions?.Order().ToList(),
            WeekStarts = _weeks?.Order().ToList(),
            Outcomes = _outcomes?.Order().ToList(),
            DetainerTypes = _types?.Order().ToList(),
            Citizenships = _citizenships?.Order(StringComparer.Ordinal).ToList(),
        };

        private static IDictionary<string, object?> Operations(string field, object value) =>
            value as IDictionary<string, object?> ?? throw Unsupported($"`{field}` without an object of conditions");

        private static HashSet<T> Intersect<T>(HashSet<T>? current, IEnumerable<T> values)
        {
            var next = values.ToHashSet();
            if (current is not null)
            {
                next.IntersectWith(current);
            }
            return next;
        }

        private static HashSet<TEnum> EnumValues<TEnum>(string field, IDictionary<string, object?> operations)
            where TEnum : struct, Enum
        {
            var allowed = Enum.GetValues<TEnum>().ToHashSet();
            foreach (var (operation, value) in operations)
            {
                IEnumerable<TEnum> values = operation switch
                {
                    "eq" or "neq" when value is TEnum one => [one],
                    "in" or "nin" when value is IEnumerable many => many.OfType<TEnum>().ToList(),
                    _ => throw Unsupported($"`{field}: {{ {operation} }}`"),
                };
                if (operation is "eq" or "in")
                {
                    allowed.IntersectWith(values);
                }
                else
                {
                    allowed.ExceptWith(values);
                }
            }
            return allowed;
        }

        private static HashSet<string> Strings(string field, IDictionary<string, object?> operations)
        {
            HashSet<string>? allowed = null;
            foreach (var (operation, value) in operations)
            {
                IEnumerable<string> values = operation switch
                {
                    "eq" when value is string one => [one],
                    "in" when value is IEnumerable many && many.Cast<object?>().All(v => v is string) => [.. many.Cast<string>()],
                    _ => throw Unsupported($"`{field}: {{ {operation} }}`{(value is null ? " with null" : "")}"),
                };
                allowed = Intersect(allowed, values);
            }
            return allowed ?? throw Unsupported($"`{field}` without a condition");
        }
    }
}
