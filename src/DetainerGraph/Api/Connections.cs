using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

// Relay cursor connections with the HotChocolate shape clients know: nodes, edges { cursor node },
// pageInfo and totalCount (counted only when selected).

public sealed class Connection<T>(IReadOnlyList<T> nodes, int offset, bool hasNextPage, Func<CancellationToken, Task<int>> countTotal)
{
    public IReadOnlyList<T> Nodes { get; } = nodes;
    public IEnumerable<Edge<T>> Edges => Nodes.Select((node, i) => new Edge<T>(Paging.EncodeCursor(offset + i), node));
    public PageInfo PageInfo => new(hasNextPage, offset > 0,
        Nodes.Count > 0 ? Paging.EncodeCursor(offset) : null,
        Nodes.Count > 0 ? Paging.EncodeCursor(offset + Nodes.Count - 1) : null);
    public Task<int> CountTotalAsync(CancellationToken ct) => countTotal(ct);
}

public sealed record Edge<T>(string Cursor, T Node);

public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

public sealed class PageInfoGraphType : ObjectGraphType<PageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Description = "Where a page stands in its connection.";
        Field(p => p.HasNextPage).Description("Whether items follow this page.");
        Field(p => p.HasPreviousPage).Description("Whether items precede this page.");
        Field(p => p.StartCursor, nullable: true).Description("The cursor of the first item on this page.");
        Field(p => p.EndCursor, nullable: true).Description("The cursor of the last item on this page: pass it as `after` for the next page.");
    }
}

public sealed class EdgeGraphType<TNodeGraphType, T> : ObjectGraphType<Edge<T>>
    where TNodeGraphType : IGraphType
{
    public EdgeGraphType()
    {
        Name = Paging.NodeName<TNodeGraphType>() + "Edge";
        Description = $"An item of a {Paging.NodeName<TNodeGraphType>()} connection, with its cursor.";
        Field(e => e.Cursor).Description("An opaque position: pass it as `after` to continue from this item.");
        Field<NonNullGraphType<TNodeGraphType>>("node").Description("The item.").Resolve(c => c.Source.Node);
    }
}

public sealed class ConnectionGraphType<TNodeGraphType, T> : ObjectGraphType<Connection<T>>
    where TNodeGraphType : IGraphType
{
    public ConnectionGraphType()
    {
        Name = Paging.NodeName<TNodeGraphType>() + "Connection";
        Description = $"A page of {Paging.NodeName<TNodeGraphType>()} items.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeGraphType>>>>("nodes")
            .Description("The items of this page.")
            .Resolve(c => c.Source.Nodes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNodeGraphType, T>>>>>("edges")
            .Description("The items of this page with their cursors.")
            .Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo")
            .Description("Where this page stands.")
            .Resolve(c => c.Source.PageInfo);
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description("How many items the whole connection holds, across all pages. Counted only when asked for.")
            .ResolveAsync(async c => await c.Source.CountTotalAsync(c.CancellationToken));
    }
}

public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static string NodeName<TNodeGraphType>() => typeof(TNodeGraphType).Name.Replace("GraphType", "", StringComparison.Ordinal);

    /// <summary>Adds <c>first</c> and <c>after</c> to a connection field.</summary>
    public static FieldBuilder<TSource, TReturn> WithPagingArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field
            .Argument<IntGraphType>("first", $"How many items to return: {DefaultPageSize} when omitted, at most {MaxPageSize}.")
            .Argument<StringGraphType>("after", "Return the items after this cursor (a previous page's `pageInfo.endCursor`).");

    /// <summary>
    /// One page of an ordered query, read with the query's own LIMIT/OFFSET in SQL, plus one extra row to
    /// know whether another page follows. The total is a separate COUNT, run only when selected.
    /// </summary>
    public static async Task<Connection<T>> ToConnectionAsync<T>(this IQueryable<T> ordered, IResolveFieldContext context)
    {
        var first = context.GetArgument<int?>("first") ?? DefaultPageSize;
        if (first is < 0 or > MaxPageSize)
        {
            throw new ExecutionError($"`first` must be between 0 and {MaxPageSize}; it was {first}.") { Code = "PAGE_SIZE_OUT_OF_RANGE" };
        }
        var offset = 0;
        if (context.GetArgument<string?>("after") is { } after)
        {
            offset = DecodeCursor(after) + 1;
        }
        var rows = await ordered.Skip(offset).Take(first + 1).ToListAsync(context.CancellationToken);
        var hasNext = rows.Count > first;
        if (hasNext)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        return new Connection<T>(rows, offset, hasNext, ct => ordered.CountAsync(ct));
    }

    public static string EncodeCursor(int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    public static int DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }
        throw new ExecutionError($"`{cursor}` is not a cursor of this connection.") { Code = "INVALID_CURSOR" };
    }
}
