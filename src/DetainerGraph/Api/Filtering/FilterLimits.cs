using System.Collections;
using GraphQL;

namespace DetainerGraph.Api.Filtering;

/// <summary>
/// Bounds on the size of <c>where</c> and <c>order</c> arguments. Each condition becomes a node of an expression
/// tree that EF Core translates recursively: without a bound, a few thousand <c>or</c> items or sort keys (well
/// within the request size limit) overflow the stack and take the whole process down.
/// </summary>
public static class FilterLimits
{
    public const int MaxConditions = 100;
    public const int MaxNesting = 8;
    public const int MaxListValues = 1_000;
    public const int MaxSortKeys = 10;
    public const string FilterTooComplexCode = "FILTER_TOO_COMPLEX";
    public const string OrderTooLongCode = "ORDER_TOO_LONG";

    /// <summary>Throws <c>FILTER_TOO_COMPLEX</c> when a <c>where</c> value has too many conditions, too deep a nesting or too long a list.</summary>
    public static void CheckFilter(IDictionary<string, object?> where)
    {
        var conditions = 0;
        Visit(where, 1, ref conditions);
    }

    private static void Visit(object? value, int depth, ref int conditions)
    {
        switch (value)
        {
            case IDictionary<string, object?> fields:
                if (depth > MaxNesting)
                {
                    throw TooComplex($"A filter nests at most {MaxNesting} objects deep.");
                }
                foreach (var (_, field) in fields)
                {
                    if (++conditions > MaxConditions)
                    {
                        throw TooComplex($"A filter holds at most {MaxConditions} conditions.");
                    }
                    Visit(field, depth + 1, ref conditions);
                }
                break;
            case IEnumerable list and not string:
                var count = 0;
                foreach (var item in list)
                {
                    if (++count > MaxListValues)
                    {
                        throw TooComplex($"A list in a filter holds at most {MaxListValues} values.");
                    }
                    if (item is IDictionary<string, object?>)
                    {
                        Visit(item, depth, ref conditions);
                    }
                }
                break;
            default:
                break;
        }
    }

    /// <summary>Throws <c>ORDER_TOO_LONG</c> past <see cref="MaxSortKeys"/> sort keys.</summary>
    public static void CheckOrder(IEnumerable<object?> order)
    {
        if (order.Take(MaxSortKeys + 1).Count() > MaxSortKeys)
        {
            throw new ExecutionError($"`order` takes at most {MaxSortKeys} sort keys.") { Code = OrderTooLongCode };
        }
    }

    private static ExecutionError TooComplex(string message) => new(message) { Code = FilterTooComplexCode };
}
