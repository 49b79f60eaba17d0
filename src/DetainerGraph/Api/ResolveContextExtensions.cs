using DetainerGraph.Data;
using GraphQL;

namespace DetainerGraph.Api;

public static class ResolveContextExtensions
{
    /// <summary>The request's DbContext. Safe because queries run with the serial execution strategy.</summary>
    public static DetainerDbContext Db(this IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<DetainerDbContext>();

    /// <summary>
    /// The in-memory copy of the finest count rollup when it is as current as the store (<see cref="Detainers.ResidentDetainerCounts"/>),
    /// else null: counts and stats then read the database.
    /// </summary>
    public static Detainers.ResidentSnapshot? ResidentCounts(this IResolveFieldContext context) =>
        context.RequestServices?.GetService<Detainers.ResidentDetainerCounts>()?.Current();

    /// <summary>The numeric key of an ID argument that must name an object of <paramref name="typeName"/> (<see cref="GlobalId.Rule"/>).</summary>
    public static TKey GetIdArgument<TKey>(this IResolveFieldContext context, string argument, string typeName)
        where TKey : System.Numerics.IBinaryInteger<TKey> =>
        GlobalId.RequireNumber<TKey>(context.GetArgument<string>(argument), typeName);
}
