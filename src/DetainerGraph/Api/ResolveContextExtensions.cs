using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;

namespace DetainerGraph.Api;

public static class ResolveContextExtensions
{
    /// <summary>The request's DbContext. Safe because queries run with the serial execution strategy.</summary>
    public static DetainerDbContext Db(this IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<DetainerDbContext>();

    /// <summary>Loads <paramref name="key"/> through the request's batch loader called <paramref name="name"/>.</summary>
    public static IDataLoaderResult<TValue?> Batch<TKey, TValue>(
        this IResolveFieldContext context,
        string name,
        TKey key,
        Func<DetainerDbContext, IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
        where TKey : notnull
    {
        var services = context.RequestServices!;
        var loader = services.GetRequiredService<BatchLoaders>()
            .GetOrAdd<TKey, TValue>(name, (keys, ct) => fetch(services.GetRequiredService<DetainerDbContext>(), keys, ct));
        return loader.Load(key);
    }

    /// <summary>Decodes an ID argument that must name an object of <paramref name="typeName"/>.</summary>
    public static string GetIdArgument(this IResolveFieldContext context, string argument, string typeName) =>
        GlobalId.RequireKey(context.GetArgument<string>(argument), typeName);
}
