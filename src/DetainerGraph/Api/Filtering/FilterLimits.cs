using System.Collections;
using GraphQL;

namespace DetainerGraph.Api.Filtering;

/// <summary>
/// The one gate every <c>where</c> value passes before anything is built from it: the lists and nested
/// connections (<see cref="QueryableFilterExtensions.Filtered"/>), <c>detainerStats</c> and <c>searchCharges</c>
/// (<c>Charges/ChargeSearchWhere</c>) all read their filter through <see cref="Check"/>, and the complexity
/// analyzer prices it with <see cref="Measure"/>. Both walk the input the same way, once.
/// <list type="bullet">
/// <item>Conditions: every field of every object, and every object in an <c>and</c>/<c>or</c> list, empty ones
/// (<c>{}</c>) included, so <c>or: [{} × 30000]</c> counts 30,000.</item>
/// <item>Depth, the values of one list, and the values of all the lists together.</item>
/// <item>Query parameters: an estimate of what the SQL statement binds for the filter (one per scalar value; a list
/// of n values as EF Core 10 pads it), held under <see cref="MaxFilterParameters"/> so that with the rest of the
/// statement (paging, the parent keys of a nested connection) no query passes SQL Server's 2,100 parameters
/// (SQLite's 32,766 is larger).</item>
/// </list>
/// The limits bound the tree's size; the builders also combine <c>and</c>/<c>or</c> pairwise
/// (<see cref="Expressions.AndAll"/>), so its depth grows with the logarithm of a list's length.
/// </summary>
public static class FilterLimits
{
    public const int MaxConditions = 100;
    public const int MaxNesting = 8;
    public const int MaxListValues = 1_000;
    public const int MaxTotalListValues = 1_000;

    /// <summary>SQL Server's limit on the parameters of one statement, the smaller of the two databases' limits.</summary>
    public const int DatabaseParameterLimit = 2_100;

    /// <summary>
    /// Parameters one filter may need. The rest of a statement binds at most <see cref="ReservedParameters"/>:
    /// OFFSET and LIMIT, and a nested connection's parent keys (a page of at most 100, padded).
    /// </summary>
    public const int MaxFilterParameters = DatabaseParameterLimit - ReservedParameters;

    public const int ReservedParameters = 400;
    public const int MaxSortKeys = 10;
    public const string FilterTooComplexCode = "FILTER_TOO_COMPLEX";
    public const string OrderTooLongCode = "ORDER_TOO_LONG";

    /// <summary>
    /// Checks a <c>where</c> value against every limit and returns its measure; throws <c>FILTER_TOO_COMPLEX</c>
    /// past one. Null and empty filters pass.
    /// </summary>
    public static FilterMeasure Check(IDictionary<string, object?>? where)
    {
        var measure = Measure(where);
        if (measure.Problem is { } problem)
        {
            throw new ExecutionError(problem) { Code = FilterTooComplexCode };
        }
        return measure;
    }

    /// <summary>The measure of a <c>where</c> value, with the first limit it passes (if any) instead of an exception.</summary>
    public static FilterMeasure Measure(IDictionary<string, object?>? where)
    {
        var walk = new Walk();
        if (where is not null)
        {
            walk.Object(where, 1, 1);
        }
        return new FilterMeasure(walk.Conditions, walk.ListValues, walk.Parameters, walk.Cost, walk.Problem, walk.Scans);
    }

    /// <summary>
    /// Throws <c>ORDER_TOO_LONG</c> past <see cref="MaxSortKeys"/> sort keys. A key is a direction (<c>issuedOn: DESC</c>,
    /// <c>jurisdiction: { name: ASC }</c>), however the items group them: one item may name many fields, and counting items
    /// let ten items of every field through (140 keys, whose keyset condition after a cursor grows with their square: a
    /// second a page).
    /// </summary>
    public static void CheckOrder(IEnumerable<object?> order)
    {
        var keys = 0;
        foreach (var item in order)
        {
            keys += SortKeys(item);
            if (keys > MaxSortKeys)
            {
                throw new ExecutionError($"`order` takes at most {MaxSortKeys} sort keys (each field given a direction is one, in one item or several).") { Code = OrderTooLongCode };
            }
        }
    }

    private static int SortKeys(object? item) => item switch
    {
        IDictionary<string, object?> fields => fields.Values.Sum(SortKeys),
        null => 0,
        _ => 1,
    };

    /// <summary>
    /// The parameters EF Core 10 binds for a list of <paramref name="count"/> values: it pads the list to a
    /// multiple of a bucket size (so that similar lists share a plan), up to 100 extra for long lists.
    /// </summary>
    public static int PaddedParameters(int count) => count switch
    {
        <= 5 => count,
        <= 150 => RoundUp(count, 10),
        <= 750 => RoundUp(count, 50),
        _ => RoundUp(count, 100),
    };

    private static int RoundUp(int count, int step) => (count + step - 1) / step * step;

    /// <summary>One pass over the input; stops counting (but keeps the first problem) once a limit is passed.</summary>
    private sealed class Walk
    {
        public int Conditions;
        public int ListValues;
        public int Parameters;
        public double Cost;
        public string? Problem;
        public bool Scans;

        public void Object(IDictionary<string, object?> fields, int depth, double weight)
        {
            if (Problem is not null)
            {
                return;
            }
            if (depth > MaxNesting)
            {
                Fail($"A filter nests at most {MaxNesting} objects deep.");
                return;
            }
            foreach (var (name, value) in fields)
            {
                if (!Condition())
                {
                    return;
                }
                Field(name, value, depth, weight);
            }
        }

        private void Field(string name, object? value, int depth, double weight)
        {
            switch (value)
            {
                case IDictionary<string, object?> inner:
                    // A collection condition (charges: { some: ... }) is a correlated subquery per row.
                    var subquery = name is "some" or "all" or "none";
                    if (subquery)
                    {
                        Cost += FilterCost.Subquery * weight;
                        Scans = true;
                    }
                    Object(inner, depth + 1, subquery ? weight * FilterCost.SubqueryMultiplier : weight);
                    break;
                case string or not IEnumerable:
                    // A scalar operation (eq, containsIgnoreCase, any...): one parameter, priced by what it makes the database do.
                    Parameters += value is null ? 0 : 1;
                    Cost += FilterCost.Of(name) * weight;
                    Scans |= FilterCost.Scans(name);
                    break;
                case IEnumerable list:
                    List(name, list, depth, weight);
                    break;
            }
        }

        private void List(string name, IEnumerable list, int depth, double weight)
        {
            var count = 0;
            var values = 0;
            foreach (var item in list)
            {
                if (Problem is not null)
                {
                    return;
                }
                if (++count > MaxListValues)
                {
                    Fail($"A list in a filter holds at most {MaxListValues:N0} values.");
                    return;
                }
                if (item is IDictionary<string, object?> nested)
                {
                    // An and/or item, {} included: a condition of its own.
                    if (!Condition())
                    {
                        return;
                    }
                    Object(nested, depth, weight);
                }
                else
                {
                    values++;
                    if (++ListValues > MaxTotalListValues)
                    {
                        Fail($"The lists of one filter hold at most {MaxTotalListValues:N0} values together.");
                        return;
                    }
                }
            }
            if (values > 0)
            {
                Parameters += PaddedParameters(values);
                Cost += (FilterCost.Of(name) + values * FilterCost.ListValue) * weight;
                if (Parameters > MaxFilterParameters)
                {
                    Fail($"A filter may bind at most {MaxFilterParameters:N0} query parameters (each value one, lists padded); this one needs more. Use fewer or shorter lists.");
                }
            }
        }

        private bool Condition()
        {
            if (++Conditions > MaxConditions)
            {
                Fail($"A filter holds at most {MaxConditions} conditions (each field, and each item of an `and`/`or` list, empty ones included).");
                return false;
            }
            return true;
        }

        private void Fail(string problem) => Problem ??= problem;
    }
}

/// <summary>
/// What a <c>where</c> value holds, and the first limit it passes (null when it is within them all). <c>Scans</c>: it holds a
/// condition no index serves (a substring or case-insensitive match, a collection condition), which the database
/// evaluates on every row it reads.
/// </summary>
public sealed record FilterMeasure(int Conditions, int ListValues, int Parameters, double Cost, string? Problem, bool Scans = false);

/// <summary>
/// The complexity one statement's filter adds (see <c>Api/CostModel.cs</c>), in the analyzer's units. Calibrated on
/// the sample data: an indexed comparison is cheap, a substring or case-insensitive match scans and folds every row,
/// and a condition on a collection (<c>charges: { some }</c>) runs its inner conditions once per detainer.
/// </summary>
public static class FilterCost
{
    public const double Comparison = 20;
    public const double Substring = 150;
    public const double IgnoreCase = 200;
    public const double ListValue = 1;
    public const double Subquery = 300;
    public const double SubqueryMultiplier = 2;

    public static double Of(string operation) => operation switch
    {
        "eqIgnoreCase" or "containsIgnoreCase" or "startsWithIgnoreCase" or "endsWithIgnoreCase" => IgnoreCase,
        "contains" or "ncontains" or "startsWith" or "nstartsWith" or "endsWith" or "nendsWith" => Substring,
        // A collection's `any: true` is the same correlated subquery as `some: {}` (EXISTS per detainer), not a comparison.
        "any" => Subquery,
        _ => Comparison,
    };

    /// <summary>Whether the operation is evaluated on every row read, no index serving it (see <c>CostModel.ScanScale</c>).</summary>
    public static bool Scans(string operation) => Of(operation) > Comparison;
}
