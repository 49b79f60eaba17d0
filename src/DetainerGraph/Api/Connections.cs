using System.Buffers.Text;
using System.Globalization;
using System.Text;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

// Relay cursor connections with the HotChocolate shape clients know: nodes, edges { cursor node },
// pageInfo and totalCount (counted only when selected).

/// <summary>
/// One page of a list: every list field answers one (search hits are a <c>ChargeSearchPage</c>, which adds facets).
/// Each node has its cursor: a position (search, stats groups) or its sort key values (entity lists, see <c>KeysetPaging</c>).
/// </summary>
public class Connection<T>(IReadOnlyList<T> nodes, Func<int, string> cursorAt, bool hasNextPage, bool hasPreviousPage, Func<CancellationToken, Task<int>> countTotal)
{
    /// <summary>A page of position cursors: its first node is at <paramref name="offset"/>.</summary>
    public Connection(IReadOnlyList<T> nodes, int offset, bool hasNextPage, Func<CancellationToken, Task<int>> countTotal)
        : this(nodes, i => Paging.EncodeCursor(offset + i), hasNextPage, offset > 0, countTotal)
    {
    }

    public IReadOnlyList<T> Nodes { get; } = nodes;
    public IEnumerable<Edge<T>> Edges => Nodes.Select((node, i) => new Edge<T>(cursorAt(i), node));
    public PageInfo PageInfo => new(hasNextPage, hasPreviousPage,
        Nodes.Count > 0 ? cursorAt(0) : null,
        Nodes.Count > 0 ? cursorAt(Nodes.Count - 1) : null);
    public Task<int> CountTotalAsync(CancellationToken ct) => countTotal(ct);
    /// <summary>Counts the synthetic records the connection left out; null when it left none out by default (see <c>SyntheticRecords</c>).</summary>
    public Func<CancellationToken, Task<int>>? CountSyntheticExcluded { get; set; }
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

/// <summary>The descriptions of a connection's fields; <see cref="SyntheticExcluded"/> null when the list never leaves synthetic records out.</summary>
public sealed record ConnectionDescriptions(string Nodes, string Edges, string TotalCount, string? SyntheticExcluded)
{
    public static ConnectionDescriptions Of<T>() => new(
        "The items of this page.",
        "The items of this page with their cursors.",
        "How many items the whole connection holds, across all pages. Counted only when asked for.",
        typeof(T) == typeof(DetainerGraph.Data.Detainer) || typeof(T) == typeof(DetainerGraph.Detainers.DetainerStatsGroup)
            ? DetainerGraph.Detainers.SyntheticRecords.ExcludedDescription + " Counted only when asked for."
            : typeof(T) == typeof(DetainerGraph.Data.Jurisdiction) || typeof(T) == typeof(DetainerGraph.Data.Facility) || typeof(T) == typeof(DetainerGraph.Data.Week)
                ? DetainerGraph.Detainers.SyntheticPlaces.ExcludedDescription + " Counted only when asked for."
                : null);
}

public class ConnectionGraphType<TNodeGraphType, T> : ObjectGraphType<Connection<T>>
    where TNodeGraphType : IGraphType
{
    public ConnectionGraphType()
        : this(Paging.NodeName<TNodeGraphType>() + "Connection", $"A page of {Paging.NodeName<TNodeGraphType>()} items.", ConnectionDescriptions.Of<T>())
    {
    }

    /// <summary>A connection with its own name and wording, and room for fields of its own (search adds facets).</summary>
    protected ConnectionGraphType(string name, string description, ConnectionDescriptions fields)
    {
        Name = name;
        Description = description;
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeGraphType>>>>("nodes")
            .Description(fields.Nodes)
            .Resolve(c => c.Source.Nodes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNodeGraphType, T>>>>>("edges")
            .Description(fields.Edges)
            .Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo")
            .Description("Where this page stands.")
            .Resolve(c => c.Source.PageInfo);
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description(fields.TotalCount)
            .ResolveAsync(async c => await c.Source.CountTotalAsync(c.CancellationToken));
        if (fields.SyntheticExcluded is { } syntheticExcluded)
        {
            Field<IntGraphType>("syntheticExcluded")
                .Description(syntheticExcluded)
                .ResolveAsync(async c => c.Source.CountSyntheticExcluded is { } count ? await count(c.CancellationToken) : null);
        }
    }
}

/// <summary>Page sizes: <c>GraphQL:Paging:DefaultPageSize</c> (20) and <c>GraphQL:Paging:MaxPageSize</c> (100).</summary>
public sealed class PagingOptions
{
    public int DefaultPageSize { get; set; } = 20;
    public int MaxPageSize { get; set; } = 100;
}

/// <summary>
/// A page's positions: from <see cref="Offset"/>, at most <see cref="Limit"/> items; <see cref="End"/> is the position
/// of <c>before</c>, when given.
/// </summary>
public readonly record struct PageWindow(int Offset, int Limit, int? End, bool Backward);

public static class Paging
{
    /// <summary>
    /// Whether a connection's selection is written out down to its nodes (no fragment on the connection or an edge,
    /// which could select anything) and every node selection, under <c>nodes</c> or <c>edges { node }</c>, satisfies
    /// <paramref name="node"/>: how a resolver knows which columns its page may leave unread.
    /// </summary>
    public static bool EveryNodeSelection(GraphQLSelectionSet? connection, Func<GraphQLSelectionSet?, bool> node)
    {
        foreach (var selection in connection?.Selections ?? [])
        {
            if (selection is not GraphQLField field
                || field.Name.StringValue == "nodes" && !node(field.SelectionSet)
                || field.Name.StringValue == "edges" && !EveryEdgeNode(field.SelectionSet, node))
            {
                return false;
            }
        }
        return true;
    }

    private static bool EveryEdgeNode(GraphQLSelectionSet? edges, Func<GraphQLSelectionSet?, bool> node)
    {
        foreach (var selection in edges?.Selections ?? [])
        {
            if (selection is not GraphQLField field || field.Name.StringValue == "node" && !node(field.SelectionSet))
            {
                return false;
            }
        }
        return true;
    }

    public static string NodeName<TNodeGraphType>() => typeof(TNodeGraphType).Name.Replace("GraphType", "", StringComparison.Ordinal);

    /// <summary>
    /// Adds <c>first</c>, <c>after</c>, <c>last</c> and <c>before</c> to a connection field, saying what it lists
    /// (<paramref name="items"/>); <paramref name="lastOfAll"/> says that <c>last</c> without <c>before</c> is the end of all of them.
    /// <paramref name="maxPageSize"/> is the page size past which the field's resolver refuses the page (by default
    /// <c>GraphQL:Paging:MaxPageSize</c>): the cost model reads it (<see cref="WithPageSizeLimit"/>).
    /// </summary>
    public static FieldBuilder<TSource, TReturn> WithPagingArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string items = "items", bool lastOfAll = false,
        int maxPageSize = ConfiguredMaxPageSize) =>
        field
            .Argument<IntGraphType>("first", $"Return the first this many {items} (of those after `after`). The default page size applies when neither `first` nor `last` is given; more than the maximum page size is an error.")
            .Argument<StringGraphType>("after", $"Return {items} after this cursor (a previous page's `pageInfo.endCursor`).")
            .Argument<IntGraphType>("last", $"Return the last this many {items} (of those before `before`{(lastOfAll ? $", or of all {items}" : "")}).")
            .Argument<StringGraphType>("before", $"Return {items} before this cursor (a page's `pageInfo.startCursor`).")
            .WithPageSizeLimit(maxPageSize);

    /// <summary>The field metadata that holds a field's largest page size (<see cref="WithPageSizeLimit"/>).</summary>
    public const string PageSizeLimitKey = "DetainerGraph.PageSizeLimit";

    /// <summary>The page-size limit that stands for <c>GraphQL:Paging:MaxPageSize</c>, which is known only once the options are read.</summary>
    public const int ConfiguredMaxPageSize = -1;

    /// <summary>
    /// Records that the field refuses a <c>first</c> or <c>last</c> outside 0..<paramref name="maxPageSize"/> with
    /// <c>PAGE_SIZE_OUT_OF_RANGE</c> before it reads anything (<see cref="GetPageSizeArgument"/>), so that the cost model
    /// prices such a field without what lies under it, which never runs (<see cref="CostModel"/>). Without it the
    /// analyzer multiplied the selection by the page size asked for, and <c>first: 2147483647</c> was refused as
    /// <c>COMPLEXITY</c> instead of the page size it is.
    /// </summary>
    public static FieldBuilder<TSource, TReturn> WithPageSizeLimit<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, int maxPageSize)
    {
        field.FieldType.Metadata[PageSizeLimitKey] = maxPageSize;
        return field;
    }

    /// <summary>
    /// Whether the field's arguments hold a page size its resolver refuses (see <see cref="WithPageSizeLimit"/>);
    /// false for a field without a page-size limit.
    /// </summary>
    public static bool RefusesPageSize(FieldType field, IDictionary<string, GraphQL.Execution.ArgumentValue> arguments, PagingOptions options)
    {
        if (!field.Metadata.TryGetValue(PageSizeLimitKey, out var value) || value is not int limit)
        {
            return false;
        }
        var max = limit == ConfiguredMaxPageSize ? options.MaxPageSize : limit;
        return arguments.TryGetValue("first", out var first) && IsOutOfRange(first.Value as int?, max)
            || arguments.TryGetValue("last", out var last) && IsOutOfRange(last.Value as int?, max);
    }

    /// <summary>Whether a page size is one the field refuses: negative, or past <paramref name="max"/> (absent is not).</summary>
    private static bool IsOutOfRange(int? value, int max) => value is < 0 || value > max;

    /// <summary>
    /// The positions a page covers, from the checked paging arguments: forward, <c>first</c> (or the default page
    /// size) from <c>after</c>, never past <c>before</c>; backward, the <c>last</c> before <c>before</c>, or before the
    /// end, which <paramref name="countAll"/> gives (called only then). Every list, SQL or search, pages by this.
    /// </summary>
    public static Task<PageWindow> GetPageWindowAsync(this IResolveFieldContext context, PagingOptions options, Func<CancellationToken, Task<int>> countAll) =>
        WindowAsync(context.GetPageArguments(options), options, countAll, context.CancellationToken);

    /// <inheritdoc cref="GetPageWindowAsync"/>
    public static async Task<PageWindow> WindowAsync((int? First, int? Last, int Start, int? End) arguments, PagingOptions options, Func<CancellationToken, Task<int>> countAll, CancellationToken ct)
    {
        var (first, last, start, end) = arguments;
        if (last is null)
        {
            var size = first ?? options.DefaultPageSize;
            return new PageWindow(start, end is { } e ? Math.Max(0, Math.Min(size, e - start)) : size, end, Backward: false);
        }
        var stop = end ?? await countAll(ct);
        var offset = Math.Max(start, stop - last.Value);
        return new PageWindow(offset, Math.Max(0, stop - offset), end, Backward: true);
    }

    /// <summary>
    /// One page of an ordered query by position, for connections whose items are few (groups of stats; entity lists
    /// page by keyset: <see cref="KeysetPaging"/>). The window is read with OFFSET/LIMIT in SQL (one row more than the page,
    /// to learn whether another follows); <c>last</c> without <c>before</c> also counts the rows. The total
    /// is a separate COUNT, run only when <c>totalCount</c> is selected. <paramref name="pageSizes"/> overrides the configured
    /// page sizes for connections whose items are small (groups of stats). Cursors are positions in the
    /// ordered result, so a page stays stable as long as the data does.
    /// </summary>
    public static async Task<Connection<T>> ToConnectionAsync<T>(this IQueryable<T> ordered, IResolveFieldContext context, IQueryable<T>? syntheticExcluded = null, PagingOptions? pageSizes = null)
    {
        var options = pageSizes ?? context.RequestServices!.GetRequiredService<PagingOptions>();
        var window = await context.GetPageWindowAsync(options, CountRows(ordered, context));
        var offset = window.Offset;
        // Forward, one row more than the page says whether another follows (unless `before` ends the page first).
        // An empty page whose `pageInfo` is not selected (`first: 0 { totalCount }`, a count), or a selection that reads no row
        // (`{ totalCount }`), reads no row at all.
        var take = window.Backward || window.End - offset <= window.Limit ? window.Limit : window.Limit + 1;
        if (window.Limit == 0 && !SelectsPageInfo(context) || !SelectsRows(context))
        {
            take = 0;
        }
        var rows = take == 0 ? [] : await ordered.Skip(offset).Take(take).ToListAsync(context.CancellationToken);
        var hasNext = rows.Count > window.Limit;
        if (hasNext)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        hasNext |= window.End is not null && (window.Backward || offset + rows.Count < window.End);
        return new Connection<T>(rows, offset, hasNext, CountRows(ordered, context))
        {
            CountSyntheticExcluded = syntheticExcluded is null ? null : CountRows(syntheticExcluded, context),
        };
    }

    /// <summary>Whether the connection's selection asks for <c>pageInfo</c> (true when the selection is unknown).</summary>
    internal static bool SelectsPageInfo(IResolveFieldContext context) =>
        context.SubFields is not { } fields || fields.Values.Any(f => f.FieldType.Name == "pageInfo");

    /// <summary>
    /// Whether the connection's selection reads its rows: <c>nodes</c>, <c>edges</c> or <c>pageInfo</c> (true when the selection
    /// is unknown). A selection of <c>totalCount</c> (or <c>syntheticExcluded</c>) alone reads none, whatever the page size.
    /// </summary>
    internal static bool SelectsRows(IResolveFieldContext context) =>
        context.SubFields is not { } fields || fields.Values.Any(f => f.FieldType.Name is "nodes" or "edges" or "pageInfo");

    /// <summary>Whether the connection's selection asks for <c>totalCount</c> (false when the selection is unknown).</summary>
    internal static bool SelectsTotalCount(IResolveFieldContext context) =>
        context.SubFields is { } fields && fields.Values.Any(f => f.FieldType.Name == "totalCount");

    /// <summary>
    /// The count <see cref="CountRows"/> would return, as a parameter-free <c>long</c> expression to read inside
    /// another statement (a scalar subquery): for detainers when a rollup answers it
    /// (<see cref="DetainerGraph.Detainers.DetainerCountRollup.TryCountInStatement"/>); else null.
    /// </summary>
    internal static System.Linq.Expressions.Expression? CountInStatement<T>(IQueryable<T> rows, IResolveFieldContext context) =>
        rows is IQueryable<DetainerGraph.Data.Detainer> detainers
            ? DetainerGraph.Detainers.DetainerCountRollup.TryCountInStatement(context.Db(), detainers, context.ResidentCounts())
            : null;

    /// <summary>
    /// Whether the in-memory counts know, before any statement, that no row of a list matches
    /// (<see cref="DetainerGraph.Detainers.ResidentSnapshot.KnownEmpty"/>): an order's index walked for rows none of which
    /// match is read to its end (a published-only list on a store of generated records, or a filter nothing matches, read a
    /// million rows, 3-4 s, to answer an empty page). False when they cannot tell (not detainers, no current copy); then the
    /// rows are read as usual.
    /// </summary>
    internal static bool KnownEmpty<T>(IQueryable<T> rows, IResolveFieldContext context) =>
        rows is IQueryable<DetainerGraph.Data.Detainer> detainers && context.ResidentCounts()?.KnownEmpty(detainers) == true;

    /// <summary>
    /// <paramref name="rows"/> (a list's rows before its order) narrowed to the ids its published rows lie between, when the
    /// in-memory counts know them to be few beside the synthetic ones <paramref name="excluded"/> leaves out
    /// (<see cref="DetainerGraph.Detainers.PublishedIdSpans"/>): a page reads that span instead of walking its order's index past
    /// every synthetic row. The same rows otherwise (not detainers, synthetic records included, no current copy).
    /// </summary>
    internal static IQueryable<T> NarrowedToPublished<T>(IQueryable<T> rows, IQueryable<T>? excluded, IResolveFieldContext context) =>
        rows is IQueryable<DetainerGraph.Data.Detainer> detainers && excluded is IQueryable<DetainerGraph.Data.Detainer> left
            && context.ResidentCounts()?.PublishedIdRange(detainers, left) is { } range
            ? (IQueryable<T>)detainers.Where(range)
            : rows;

    /// <summary>
    /// The count behind <c>totalCount</c> and <c>syntheticExcluded</c>: for detainers, from the maintained rollups
    /// when the filter allows (<see cref="DetainerGraph.Detainers.DetainerCountRollup"/>, exact either way); else a COUNT.
    /// A root list's count of the detainer table (no rollup holds its filter) waits for a scan slot on a large store
    /// (<see cref="ScanAdmission"/>); a nested list's reaches its parent's rows by index.
    /// </summary>
    internal static Func<CancellationToken, Task<int>> CountRows<T>(IQueryable<T> rows, IResolveFieldContext context)
    {
        var admit = ScanAdmission.ForRootField(context);
        return token => rows is IQueryable<DetainerGraph.Data.Detainer> detainers
            ? DetainerGraph.Detainers.DetainerCountRollup.CountAsync(context.Db(), detainers, token, admit, context.ResidentCounts())
            : rows.CountAsync(token);
    }

    /// <summary>
    /// The connection's <c>first</c>, <c>last</c>, <c>after</c> and <c>before</c>, checked: the sizes within the
    /// maximum page size and not both given, the cursors decoded (<c>Start</c> is the first position after
    /// <c>after</c>, <c>End</c> the position of <c>before</c>).
    /// </summary>
    public static (int? First, int? Last, int Start, int? End) GetPageArguments(this IResolveFieldContext context, PagingOptions options)
    {
        var first = context.GetPageSizeArgument("first", options.MaxPageSize);
        var last = context.GetPageSizeArgument("last", options.MaxPageSize);
        if (first is not null && last is not null)
        {
            throw new ExecutionError("Give `first` or `last`, not both.") { Code = "INVALID_PAGING_ARGUMENTS" };
        }
        // Saturated: `after` at int.MaxValue is past every row (an empty page), never a wrap-around to the first.
        var start = context.GetArgument<string?>("after") is { } after ? (int)Math.Min(DecodeCursor(after) + 1L, int.MaxValue) : 0;
        int? end = context.GetArgument<string?>("before") is { } before ? DecodeCursor(before) : null;
        return (first, last, start, end);
    }

    /// <summary>A page-size argument, null when absent; outside 0..<paramref name="max"/> it is an error, never a silent cut.</summary>
    public static int? GetPageSizeArgument(this IResolveFieldContext context, string argument, int max)
    {
        var value = context.GetArgument<int?>(argument);
        if (IsOutOfRange(value, max))
        {
            throw new ExecutionError($"`{argument}` must be between 0 and {max}; it was {value}.") { Code = "PAGE_SIZE_OUT_OF_RANGE" };
        }
        return value;
    }

    /// <summary>What a position cursor's text starts with (keyset cursors still read those of earlier versions).</summary>
    internal const string OffsetPrefix = "offset:";

    public static string EncodeCursor(int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(OffsetPrefix + offset.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The position in a decoded position cursor's text (<c>offset:N</c>, N a non-negative int).</summary>
    internal static bool TryReadOffset(string text, out int offset)
    {
        offset = 0;
        return text.StartsWith(OffsetPrefix, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(OffsetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    /// <summary>The longest position cursor read: <c>offset:</c> and an int make at most 24 characters of base64url.</summary>
    private const int MaxPositionCursorLength = 64;

    public static int DecodeCursor(string cursor)
    {
        if (cursor.Length > MaxPositionCursorLength)
        {
            throw InvalidCursor(cursor, "it is longer than any cursor of this connection");
        }
        try
        {
            if (TryReadOffset(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)), out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }
        throw InvalidCursor(cursor, "it is not one this API made");
    }

    /// <summary>
    /// An <c>INVALID_CURSOR</c> error saying why; the message quotes at most the cursor's first 40 characters, so a
    /// client sending a huge cursor never gets it echoed back.
    /// </summary>
    internal static ExecutionError InvalidCursor(string cursor, string why) =>
        new($"{ClientText.Quote(cursor)} is not a cursor of this connection: {why}.") { Code = "INVALID_CURSOR" };
}
