using System.Globalization;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

/// <summary>The Relay <c>Node</c> interface: anything with a global ID can be fetched again by it.</summary>
public sealed class NodeInterfaceGraphType : InterfaceGraphType
{
    public NodeInterfaceGraphType()
    {
        Name = "Node";
        Description = "An object with a global ID, which `node(id:)` fetches again.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The object's opaque global ID.");
    }
}

/// <summary>How to fetch each node type by its keys, one query per type.</summary>
public static class NodeFetchers
{
    private delegate Task<Dictionary<string, object>> Fetch(DetainerDbContext db, IReadOnlyCollection<string> keys, CancellationToken ct);

    /// <summary>A node type: which keys it can have (any other is not an ID: <see cref="GlobalId.Rule"/>) and how to fetch them.</summary>
    private sealed record NodeType(Func<string, bool> IsKey, Fetch Fetch);

    private static readonly Dictionary<string, NodeType> ByType = new(StringComparer.Ordinal)
    {
        ["Detainer"] = Numbered<long>(async (db, keys, ct) => Keyed(await db.Detainers.Where(d => Longs(keys).Contains(d.Id)).ToListAsync(ct), d => d.Id)),
        ["Charge"] = Numbered<long>(async (db, keys, ct) => Keyed(await db.Charges.Where(c => Longs(keys).Contains(c.Id)).ToListAsync(ct), c => c.Id)),
        ["Jurisdiction"] = Numbered<int>(async (db, keys, ct) => Keyed(await db.Jurisdictions.Where(j => Ints(keys).Contains(j.Id)).ToListAsync(ct), j => j.Id)),
        ["Facility"] = Numbered<int>(async (db, keys, ct) => Keyed(await db.Facilities.Where(f => Ints(keys).Contains(f.Id)).ToListAsync(ct), f => f.Id)),
        ["Policy"] = Numbered<int>(async (db, keys, ct) => Keyed(await db.Policies.Where(p => Ints(keys).Contains(p.Id)).ToListAsync(ct), p => p.Id)),
        ["Report"] = Numbered<int>(async (db, keys, ct) => Keyed(await db.Reports.Where(r => Ints(keys).Contains(r.Number)).ToListAsync(ct), r => r.Number)),
        ["SectionOneEntry"] = Numbered<int>(async (db, keys, ct) => Keyed(await db.SectionOneEntries.Where(e => Ints(keys).Contains(e.Id)).ToListAsync(ct), e => e.Id)),
        ["Correction"] = Numbered<int>(async (db, keys, ct) => Keyed(await db.Corrections.Where(c => Ints(keys).Contains(c.Id)).ToListAsync(ct), c => c.Id)),
        ["Week"] = new(key => GlobalId.IsDate(key, out _), async (db, keys, ct) =>
        {
            var starts = keys.Select(k => GlobalId.IsDate(k, out var start) ? start : default).ToList();
            var weeks = await db.Weeks.Where(w => starts.Contains(w.Start)).ToListAsync(ct);
            return weeks.ToDictionary(w => w.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), w => (object)w);
        }),
    };

    public static async Task<IReadOnlyList<object?>> FetchAsync(DetainerDbContext db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var decoded = ids.Select(id =>
        {
            if (!GlobalId.TryDecode(id, out var type, out var key) || !ByType.TryGetValue(type, out var nodeType) || !nodeType.IsKey(key))
            {
                throw GlobalId.NotAnId(id);
            }
            return (Type: type, Key: key);
        }).ToList();
        var found = new Dictionary<(string, string), object>();
        foreach (var group in decoded.GroupBy(d => d.Type))
        {
            foreach (var (key, node) in await ByType[group.Key].Fetch(db, [.. group.Select(g => g.Key).Distinct()], ct))
            {
                found[(group.Key, key)] = node;
            }
        }
        return [.. decoded.Select(d => found.GetValueOrDefault((d.Type, d.Key)))];
    }

    private static NodeType Numbered<T>(Fetch fetch)
        where T : System.Numerics.IBinaryInteger<T> =>
        new(key => GlobalId.IsNumber<T>(key, out _), fetch);

    // Named for their SQL parameters (@Longs, @Ints), which the reviewed SQL Server statement set records.
    private static List<long> Longs(IEnumerable<string> keys) => Numbers<long>(keys);

    private static List<int> Ints(IEnumerable<string> keys) => Numbers<int>(keys);

    private static List<T> Numbers<T>(IEnumerable<string> keys)
        where T : System.Numerics.IBinaryInteger<T> =>
        [.. keys.Select(k => GlobalId.IsNumber<T>(k, out var number) ? number : throw GlobalId.NotAnId(k))];

    private static Dictionary<string, object> Keyed<T, TKey>(List<T> rows, Func<T, TKey> key)
        where T : notnull
        where TKey : IFormattable =>
        rows.ToDictionary(r => key(r).ToString(null, CultureInfo.InvariantCulture), r => (object)r);
}

public static class NodeQueries
{
    public const int MaxIds = 50;

    public static void AddNodeQueries(this ObjectGraphType query)
    {
        query.Field<NodeInterfaceGraphType>("node")
            .Description("The object with this global ID, of any type, or null when there is none. " + GlobalId.AnyTypeRule)
            .Argument<NonNullGraphType<IdGraphType>>("id", "A global ID from any `id` field.")
            .ResolveAsync(async c => (await NodeFetchers.FetchAsync(c.Db(), [c.GetArgument<string>("id")], c.CancellationToken))[0]);

        query.Field<ListGraphType<NodeInterfaceGraphType>>("nodes")
            .Description($"The objects with these global IDs, in the same order, with null where there is none. At most {MaxIds} IDs; on a bad ID the field is null with a coded error (INVALID_ID, as for `node`), and the rest of the response stands.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("ids", "Global IDs from any `id` fields.")
            .ResolveAsync(async c =>
            {
                var ids = c.GetArgument<List<string>>("ids");
                if (ids.Count > MaxIds)
                {
                    throw new ExecutionError($"`nodes` takes at most {MaxIds} IDs; it was given {ids.Count}.") { Code = "TOO_MANY_IDS" };
                }
                return await NodeFetchers.FetchAsync(c.Db(), ids, c.CancellationToken);
            });
    }

    /// <summary>Declares that a type implements <c>Node</c> and how to recognize its objects.</summary>
    public static void ImplementsNode<T>(this ObjectGraphType<T> type)
    {
        type.Interface<NodeInterfaceGraphType>();
        type.IsTypeOf = o => o is T;
    }
}
