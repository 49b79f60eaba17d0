using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// Keyset pages of every list in every order its sort input offers, each direction, with real cursors: the
/// statements a client sends once it follows a cursor (the seek condition over each sort key, the second read of
/// the rows missing a descending first key, the bound of a page between two cursors). A cursor names its item's sort
/// key values, so it must come from a store: <see cref="BuildAsync"/> asks one for the cursor of an early row (whose
/// keys have values, or are missing where missing values come first) and of the last row (missing values, where they
/// come last), then writes four pages around them per order.
/// </summary>
internal static class KeysetPageOperations
{
    /// <summary>A list: how to reach it in an operation (<c>{0}</c> stands for its arguments, <c>{1}</c> for its selection), and its orders.</summary>
    private sealed record ListField(string Name, string Path, IReadOnlyList<string> Orders);

    /// <summary>Each sort key of a sort input, ascending and descending, as <c>order</c> arguments; the list's default order first.</summary>
    private static List<string> EachKey(params string[] keys) =>
        ["", .. keys.SelectMany(k => new[] { $"order: [{string.Format(System.Globalization.CultureInfo.InvariantCulture, k, "ASC")}]", $"order: [{string.Format(System.Globalization.CultureInfo.InvariantCulture, k, "DESC")}]" })];

    private static readonly string[] DetainerKeys =
    [
        "{{ issuedOn: {0} }}", "{{ outcome: {0} }}", "{{ detainerType: {0} }}", "{{ citizenship: {0} }}", "{{ outcomeRecordedOn: {0} }}", "{{ issuedOnOrAfter: {0} }}",
        "{{ jurisdiction: {{ name: {0} }} }}", "{{ jurisdiction: {{ state: {0} }} }}", "{{ jurisdiction: {{ fieldOffice: {0} }} }}",
        "{{ jurisdiction: {{ fips: {0} }} }}", "{{ jurisdiction: {{ kind: {0} }} }}",
        "{{ facility: {{ name: {0} }} }}", "{{ facility: {{ city: {0} }} }}", "{{ facility: {{ state: {0} }} }}", "{{ week: {{ start: {0} }} }}",
    ];

    /// <summary>The lists, root and nested (whose default orders differ, e.g. Section II's by state and jurisdiction name).</summary>
    private static IEnumerable<ListField> Lists(string jurisdictionId, string facilityId) =>
    [
        new("detainers", "{{ detainers({0}) {{ {1} }} }}", EachKey(DetainerKeys)),
        new("detainers with the demo's and retracted", "{{ detainers(includeSynthetic: true, includeRetracted: true, {0}) {{ {1} }} }}", ["", "order: [{ outcomeRecordedOn: DESC }, { citizenship: ASC }]"]),
        new("jurisdictions", "{{ jurisdictions({0}) {{ {1} }} }}", EachKey("{{ name: {0} }}", "{{ state: {0} }}", "{{ fieldOffice: {0} }}", "{{ fips: {0} }}", "{{ kind: {0} }}")),
        new("facilities", "{{ facilities({0}) {{ {1} }} }}", EachKey("{{ name: {0} }}", "{{ city: {0} }}", "{{ state: {0} }}")),
        new("weeks", "{{ weeks({0}) {{ {1} }} }}", EachKey("{{ start: {0} }}")),
        new("section two", "{{ weeklyReport(start: \"2017-01-28\", includeSynthetic: true) {{ sectionTwo({0}) {{ {1} }} }} }}", ["", "order: [{ issuedOn: DESC }]"]),
        new("a week's detainers", "{{ week(start: \"2017-01-28\") {{ detainers(includeSynthetic: true, {0}) {{ {1} }} }} }}", ["", "order: [{ outcomeRecordedOn: DESC }]"]),
        new("a jurisdiction's detainers", $"{{{{ jurisdiction(id: \"{jurisdictionId}\") {{{{ detainers({{0}}) {{{{ {{1}} }}}} }}}} }}}}", ["", "order: [{ facility: { name: DESC } }]"]),
        new("a facility's detainers", $"{{{{ facility(id: \"{facilityId}\") {{{{ detainers({{0}}) {{{{ {{1}} }}}} }}}} }}}}", ["", "order: [{ citizenship: DESC }]"]),
    ];

    /// <summary>Per list and order: a page after an early row, the page before it, a page after the last row, and a page between the two.</summary>
    public static async Task<List<(string Name, string Query)>> BuildAsync(TestApp app)
    {
        var places = await app.DataAsync("""{ jurisdictions(first: 1, where: { name: { eq: "Travis County" } }) { nodes { id } } facilities(first: 1, order: [{ name: ASC }]) { nodes { id } } }""");
        var jurisdictionId = places.GetProperty("jurisdictions").GetProperty("nodes")[0].GetProperty("id").GetString()!;
        var facilityId = places.GetProperty("facilities").GetProperty("nodes")[0].GetProperty("id").GetString()!;
        var operations = new List<(string, string)>();
        foreach (var list in Lists(jurisdictionId, facilityId))
        {
            foreach (var order in list.Orders)
            {
                string Query(string arguments, string selection) =>
                    string.Format(System.Globalization.CultureInfo.InvariantCulture, list.Path, string.Join(", ", new[] { arguments, order }.Where(a => a.Length > 0)), selection);
                var early = Cursor(await app.DataAsync(Query("first: 2", "pageInfo { endCursor }")), "endCursor");
                var last = Cursor(await app.DataAsync(Query("last: 1", "pageInfo { startCursor }")), "startCursor");
                var name = $"keyset {list.Name} {(order.Length > 0 ? order : "default order")}";
                operations.Add(($"{name}: after", Query($"first: 3, after: \"{early}\"", "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id }")));
                operations.Add(($"{name}: before", Query($"last: 3, before: \"{early}\"", "pageInfo { hasPreviousPage } nodes { id }")));
                operations.Add(($"{name}: after the last", Query($"first: 3, after: \"{last}\"", "pageInfo { hasNextPage } nodes { id }")));
                operations.Add(($"{name}: between", Query($"first: 3, after: \"{early}\", before: \"{last}\"", "nodes { id }")));
            }
        }
        return operations;
    }

    /// <summary>The one <c>pageInfo</c> cursor in a list's answer, however deep the list is.</summary>
    private static string Cursor(JsonElement data, string name) =>
        Find(data, name) ?? throw new InvalidOperationException($"No {name} (an empty list?) in {data}");

    private static string? Find(JsonElement element, string name) =>
        element.ValueKind != JsonValueKind.Object ? null
        : element.TryGetProperty("pageInfo", out var page) ? page.GetProperty(name).GetString()
        : element.EnumerateObject().Select(p => Find(p.Value, name)).FirstOrDefault(c => c is not null);
}
