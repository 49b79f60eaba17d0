using GraphQLParser.AST;

namespace DetainerGraph.Api;

/// <summary>
/// What bounds an operation that asks only for the schema (<c>__schema</c>, <c>__type</c>, <c>__typename</c>), which the
/// complexity limit lets through: the analyzer prices every list at a page size, so IDEs' standard introspection query
/// "costs" over a million, far above any data limit, for an answer of a few hundred kilobytes.
/// <para>
/// Without aliases such an answer is bounded by the schema itself: selecting a field twice under one name merges the two
/// selections, and nesting (<c>fields { type { fields … } }</c>) ends quickly, since most field types are
/// <c>NON_NULL</c> or <c>LIST</c> wrappers with no fields of their own (15 levels of it answer about 35 KB). Aliases are
/// what multiply it: <c>t0..t39: types { f0..f39: fields { … } }</c> asks for the schema's fields 1,600 times (60 MB,
/// and 1.1 GB of server memory, before this bound). So such an operation may ask for the same field under several names
/// only while the product of those counts along any path stays within <see cref="MaxAliasFanOut"/>.
/// </para>
/// </summary>
public static class IntrospectionBounds
{
    /// <summary>
    /// The most times an introspection answer may repeat one part of the schema through aliases: a client fetching a
    /// handful of types by name (<c>a: __type(name: "A") b: __type(name: "B")</c>) or comparing two views is well
    /// inside it; the whole schema 64 times is a few megabytes.
    /// </summary>
    public const int MaxAliasFanOut = 64;

    /// <summary>
    /// What one copy of the schema is charged to the client's rate limit, in the analyzer's units, in place of the
    /// analyzer's price (about 970,000 for an IDE's standard introspection query, which took the whole token bucket:
    /// Banana Cake Pop sends it after four small ones each time it opens a document or runs an operation, so the IDE got
    /// 429 and showed no schema on a first visit). The whole schema answers in 10-30 ms (about 180 KB), as much as a data
    /// operation priced 1,000 (50,000 is 1-2 s of SQL), and 64 copies, the most allowed, in about 1 s.
    /// </summary>
    public const int CostPerSchemaCopy = 1_000;

    /// <summary>
    /// The largest product, along any path of the operation, of the number of response names that select the same field
    /// in one selection set (fragments and merged selections included); <see cref="MaxAliasFanOut"/> + 1 as soon as it
    /// is exceeded, so the walk stays short for a hostile document.
    /// </summary>
    public static long AliasFanOut(GraphQLOperationDefinition operation, GraphQLDocument document)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>())
        {
            fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        }
        return FanOut([operation.SelectionSet], fragments, depth: 0, budget: MaxAliasFanOut);
    }

    // The levels walked at most: past them an operation is refused by the depth limits anyway (and a fragment cycle,
    // which validation reports on its own, cannot keep the walk going).
    private const int MaxLevels = 32;

    private static long FanOut(List<GraphQLSelectionSet> sets, Dictionary<string, GraphQLFragmentDefinition> fragments, int depth, long budget)
    {
        if (depth > MaxLevels)
        {
            return 1;
        }
        // The fields these merged selection sets select, by response name: a name's sub-selections merge as GraphQL merges them.
        var byResponse = new Dictionary<string, (string Field, List<GraphQLSelectionSet> Children)>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            Collect(set, fragments, byResponse, []);
        }
        var namesPerField = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (field, _) in byResponse.Values)
        {
            namesPerField[field] = namesPerField.GetValueOrDefault(field) + 1;
        }
        long widest = 1;
        foreach (var (field, children) in byResponse.Values)
        {
            var names = namesPerField[field];
            if (names > budget)
            {
                return budget + 1;
            }
            var below = children.Count == 0 ? 1 : FanOut(children, fragments, depth + 1, budget / names);
            widest = Math.Max(widest, names * below);
            if (widest > budget)
            {
                return budget + 1;
            }
        }
        return widest;
    }

    private static void Collect(
        GraphQLSelectionSet set, Dictionary<string, GraphQLFragmentDefinition> fragments,
        Dictionary<string, (string Field, List<GraphQLSelectionSet> Children)> byResponse, HashSet<string> spreading)
    {
        foreach (var selection in set.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                    var response = (field.Alias?.Name ?? field.Name).StringValue;
                    if (!byResponse.TryGetValue(response, out var entry))
                    {
                        entry = (field.Name.StringValue, []);
                        byResponse[response] = entry;
                    }
                    // The same selection set spread twice under one name is one selection, not two.
                    if (field.SelectionSet is { } children && !entry.Children.Contains(children))
                    {
                        entry.Children.Add(children);
                    }
                    break;
                case GraphQLInlineFragment inline:
                    Collect(inline.SelectionSet, fragments, byResponse, spreading);
                    break;
                case GraphQLFragmentSpread spread when spreading.Count < MaxLevels
                    && fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                    && spreading.Add(fragment.FragmentName.Name.StringValue):
                    Collect(fragment.SelectionSet, fragments, byResponse, spreading);
                    spreading.Remove(fragment.FragmentName.Name.StringValue);
                    break;
            }
        }
    }
}
