using System.Buffers.Text;
using System.Linq.Expressions;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DetainerGraph.Api.Filtering;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

// Keyset ("seek") pagination for the entity lists (ListOf): a cursor holds the sort key values of its item and its
// unique ID, and the next page is the rows after those values in the list's order, read from the index the order
// uses. A page deep in a million rows costs what the first page costs; rows inserted or retracted between two
// pages neither repeat nor skip a row. Small connections (stats groups) and search hits keep position cursors.

/// <summary>
/// A row of a page with the values of its sort keys, read in the same statement (the cursor is made from them), and,
/// when the page's statement also counts the whole list, that count (<see cref="Total"/>, the same on every row).
/// </summary>
public sealed class KeyedRow<T>
{
    public T Row { get; init; } = default!;
    public object?[] Keys { get; init; } = [];
    public long Total { get; init; }
}

/// <summary>
/// An ordered list's sort keys, taken from its <c>OrderBy</c>/<c>ThenBy</c> chain (the last key is unique: the
/// tie-breaker <see cref="ListOf{TNodeGraphType, T, TFilter, TSort, TKey}"/> adds), and what keyset paging needs
/// from them: the rows after a cursor, the order reversed, the keys projected beside each row and the order's signature.
/// </summary>
public sealed class KeysetOrder<T>
{
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private KeysetOrder(IQueryable<T> source, ParameterExpression parameter, IReadOnlyList<SortKey> keys, IReadOnlySet<PropertyInfo> readApart)
    {
        Source = source;
        Parameter = parameter;
        Keys = keys;
        _readApart = readApart;
        _signature = new Lazy<string>(() =>
        {
            var text = typeof(T).Name + "|" + string.Join("|", keys.Select(k => k.Body + (k.Descending ? " desc" : " asc")));
            return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 9));
        }, LazyThreadSafetyMode.None);
    }

    /// <summary>One key: its value as a nullable expression over <see cref="Parameter"/>, its direction, and whether it can be null.</summary>
    public sealed record SortKey(Expression Body, Expression Nullable, bool Descending, bool CanBeNull);

    /// <summary>The query before it was ordered (filtered, split).</summary>
    public IQueryable<T> Source { get; }

    public ParameterExpression Parameter { get; }

    public IReadOnlyList<SortKey> Keys { get; }

    private readonly Lazy<string> _signature;

    /// <summary>The nullable columns whose two runs a page reads apart when one leads the order (<see cref="SplitsMissing"/>).</summary>
    private readonly IReadOnlySet<PropertyInfo> _readApart;

    /// <summary>
    /// A short hash of the entity and the keys with their directions: a cursor names the order it was made in. Made
    /// only when a cursor is read or written: a count, or a page whose selection reads no cursor, needs none.
    /// </summary>
    public string Signature => _signature.Value;

    /// <summary>
    /// The keys of <paramref name="ordered"/>, which must end in its ordering calls (as <c>Sorted</c> and default orders do).
    /// <paramref name="readApart"/>: the nullable columns of <typeparamref name="T"/> whose rows with a value and rows
    /// without one a page reads apart when the column leads the order (<see cref="SplitsMissing"/>); none when null.
    /// </summary>
    public static KeysetOrder<T> Of(IQueryable<T> ordered, IReadOnlySet<PropertyInfo>? readApart = null)
    {
        var calls = new List<MethodCallExpression>();
        var expression = ordered.Expression;
        while (expression is MethodCallExpression call && call.Method.DeclaringType == typeof(Queryable)
            && call.Method.Name is nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending) or nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending))
        {
            calls.Add(call);
            expression = call.Arguments[0];
            if (call.Method.Name.StartsWith(nameof(Queryable.OrderBy), StringComparison.Ordinal))
            {
                break;
            }
        }
        if (calls.Count == 0)
        {
            throw new InvalidOperationException("Keyset paging needs an ordered query.");
        }
        var parameter = Expression.Parameter(typeof(T), "x");
        var keys = new List<SortKey>(calls.Count);
        for (var i = calls.Count - 1; i >= 0; i--)
        {
            var lambda = (LambdaExpression)StripQuotes(calls[i].Arguments[1]);
            var body = Expressions.Inline(lambda, parameter);
            var nullable = body.Type.IsValueType && System.Nullable.GetUnderlyingType(body.Type) is null
                ? Expression.Convert(body, typeof(Nullable<>).MakeGenericType(body.Type))
                : body;
            var canBeNull = !body.Type.IsValueType || System.Nullable.GetUnderlyingType(body.Type) is not null || ThroughNavigation(body, parameter);
            keys.Add(new SortKey(body, nullable, calls[i].Method.Name.EndsWith("Descending", StringComparison.Ordinal), canBeNull));
        }
        return new KeysetOrder<T>(ordered.Provider.CreateQuery<T>(expression), parameter, keys, readApart ?? NoneReadApart);
    }

    /// <summary><paramref name="query"/> in this order, or in the reverse order (every direction flipped, missing values at the other end).</summary>
    public IOrderedQueryable<T> Order(IQueryable<T> query, bool reversed)
    {
        var ordered = query.Expression;
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var descending = key.Descending != reversed;
            var method = (i == 0, descending) switch
            {
                (true, false) => OrderMethods.OrderBy,
                (true, true) => OrderMethods.OrderByDescending,
                (false, false) => OrderMethods.ThenBy,
                (false, true) => OrderMethods.ThenByDescending,
            };
            ordered = Expression.Call(method.MakeGenericMethod(typeof(T), key.Body.Type), ordered, Expression.Quote(Expression.Lambda(key.Body, Parameter)));
        }
        return (IOrderedQueryable<T>)query.Provider.CreateQuery<T>(ordered);
    }

    /// <summary>Each row (through <paramref name="projection"/>, when given) with its key values.</summary>
    public Expression<Func<T, KeyedRow<T>>> Keyed(Expression<Func<T, T>>? projection) => Keyed(projection, withKeys: true, total: null);

    /// <summary>
    /// Each row (through <paramref name="projection"/>, when given), with its key values when <paramref name="withKeys"/>,
    /// and with <paramref name="total"/> (a parameter-free count of type <c>long</c>, a scalar subquery in SQL) when given.
    /// </summary>
    public Expression<Func<T, KeyedRow<T>>> Keyed(Expression<Func<T, T>>? projection, bool withKeys, Expression? total)
    {
        var row = projection is null ? (Expression)Parameter : Expressions.Inline(projection, Parameter);
        var bindings = new List<MemberBinding>(3) { Expression.Bind(typeof(KeyedRow<T>).GetProperty(nameof(KeyedRow<T>.Row))!, row) };
        if (withKeys)
        {
            bindings.Add(Expression.Bind(typeof(KeyedRow<T>).GetProperty(nameof(KeyedRow<T>.Keys))!, KeyValues()));
        }
        if (total is not null)
        {
            bindings.Add(Expression.Bind(typeof(KeyedRow<T>).GetProperty(nameof(KeyedRow<T>.Total))!, total));
        }
        return Expression.Lambda<Func<T, KeyedRow<T>>>(Expression.MemberInit(Expression.New(typeof(KeyedRow<T>)), bindings), Parameter);
    }

    /// <summary>
    /// When every key is a column of the row as read (a property of <typeparamref name="T"/> that <paramref name="projection"/>
    /// copies unchanged, or any property when the whole row is read), how to take each key's value from the read row;
    /// else null, and the keys are read beside the row (<see cref="Keyed"/>). Taken from the row, a key is neither read from
    /// the statement's result a second time nor part of the query's expression (a smaller tree for EF Core to parameterize,
    /// hash and compare against its query cache on every request). The values are the same boxed values either way.
    /// </summary>
    public Func<T, object?>[]? RowKeys(Expression<Func<T, T>>? projection)
    {
        var copied = projection?.Body is MemberInitExpression init
            ? init.Bindings.OfType<MemberAssignment>()
                .Where(b => b.Expression is MemberExpression { Expression: var owner } m && owner == projection.Parameters[0] && m.Member == b.Member)
                .Select(b => b.Member)
                .ToHashSet()
            : null;
        if (projection is not null && copied is null)
        {
            return null;
        }
        var getters = new Func<T, object?>[Keys.Count];
        for (var i = 0; i < Keys.Count; i++)
        {
            if (Keys[i].Body is not MemberExpression { Member: PropertyInfo property, Expression: var owner } || owner != Parameter
                || copied is not null && !copied.Contains(property))
            {
                return null;
            }
            getters[i] = Getters.GetOrAdd(property, static p =>
            {
                var row = Expression.Parameter(typeof(T), "row");
                return Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(row, p), typeof(object)), row).Compile();
            });
        }
        return getters;
    }

    private static readonly IReadOnlySet<PropertyInfo> NoneReadApart = new HashSet<PropertyInfo>();

    /// <summary>The columns of <typeparamref name="T"/> that <paramref name="columns"/> read (<c>x => x.Column</c>), for <see cref="Of"/>'s <c>readApart</c>.</summary>
    public static IReadOnlySet<PropertyInfo> Columns(params Expression<Func<T, object?>>[] columns) =>
        columns.Select(column =>
            (column.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : column.Body) is MemberExpression { Member: PropertyInfo property } member
                && member.Expression == column.Parameters[0]
                ? property
                : throw new ArgumentException($"Not a column of {typeof(T).Name}: {column}", nameof(columns)))
        .ToHashSet();

    /// <summary>Each property's boxed value, compiled once per property (not per request).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<PropertyInfo, Func<T, object?>> Getters = new();

    /// <summary>The key values alone, for a cursor from an earlier version that named a position.</summary>
    public Expression<Func<T, object?[]>> KeysOnly() =>
        Expression.Lambda<Func<T, object?[]>>(KeyValues(), Parameter);

    /// <summary>The keys' values of a row as one array, the unique key last: what a cursor holds.</summary>
    private NewArrayExpression KeyValues() =>
        Expression.NewArrayInit(typeof(object), Keys.Select(k => Expression.Convert(k.Nullable, typeof(object))));

    /// <summary>
    /// The rows strictly after the item whose keys are <paramref name="values"/>, in this order or the reversed one:
    /// (k1, ..., id) after (v1, ..., vid) expanded into "k1 after v1, or k1 = v1 and k2 after v2, ...", with a
    /// missing value before every value ascending and after every value descending (as SQLite and SQL Server order
    /// them). With <paramref name="splitMissing"/>, the rows that have the first key and those missing it are read
    /// apart when the cursor is in the run that comes first (<c>Next</c>, when not null, is the run that follows, read
    /// in a second statement when the page is not yet full): descending (as read), when the first key has a value and
    /// can be missing, the rows missing it are left out and the first key is bounded (<c>k1 &lt;= v1</c>), so that the
    /// database seeks its index to the cursor instead of scanning from the start; ascending, when the cursor's first key
    /// is missing and <see cref="SplitsMissing"/>, the rows that have it are left out (<c>k1 IS NULL</c> bounds the rest),
    /// so that the rows still missing it are read from an index that holds them in id order.
    /// </summary>
    public (Expression<Func<T, bool>> Where, Expression<Func<T, bool>>? Next) After(object?[] values, bool reversed, bool splitMissing)
    {
        var first = Keys[0];
        var firstDescending = first.Descending != reversed;
        var tail = splitMissing && firstDescending && values[0] is not null && first.CanBeNull;
        var head = splitMissing && !firstDescending && values[0] is null && SplitsMissing;
        var terms = new List<Expression>(Keys.Count);
        var prefix = new List<Expression>(Keys.Count);
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var descending = key.Descending != reversed;
            // Ascending after a missing first key, the first term is "k1 has a value": the run read next.
            if (!(i == 0 && head) && StrictlyAfter(key, values[i], descending, includeMissing: !(i == 0 && tail)) is { } after)
            {
                terms.Add(Expressions.AndAll([.. prefix, after]));
            }
            prefix.Add(Is(key, values[i]));
        }
        var where = Expressions.OrAll(terms);
        // The bound on the first key, implied by the terms: the database's range seek.
        Expression? bound = values[0] is null
            ? (firstDescending || head ? IsNull(first) : null)
            : firstDescending
                ? (tail || !first.CanBeNull ? Compare(first, values[0]!, ExpressionType.LessThanOrEqual) : null)
                : Compare(first, values[0]!, ExpressionType.GreaterThanOrEqual);
        if (bound is not null)
        {
            where = Expression.AndAlso(bound, where);
        }
        return (Expression.Lambda<Func<T, bool>>(where, Parameter), tail ? Missing(true) : head ? Missing(false) : null);
    }

    /// <summary>
    /// A first page's two runs when <see cref="SplitsMissing"/>: the rows that have the first key, then those missing it
    /// (descending as read), or the other way round (ascending); else null, and the page is one read.
    /// </summary>
    public (Expression<Func<T, bool>> Where, Expression<Func<T, bool>> Next)? FirstRuns(bool reversed)
    {
        if (!SplitsMissing)
        {
            return null;
        }
        var descending = Keys[0].Descending != reversed;
        return (Missing(!descending), Missing(descending));
    }

    /// <summary>
    /// Whether a page's rows missing the first key are read apart from those that have it, wherever they start: the
    /// first key is a nullable column of the row itself that the list names as read in runs (<c>issuedOnOrAfter</c>,
    /// which most detainers lack). Each run then has an index that gives it in the page's order (the dates' own, filtered
    /// to the rows that have one, and, for the rows missing it, one on the same leading columns in id order), where the
    /// order over both runs at once has none: the database sorted every row of the scope (a state's 43,886 at a million,
    /// 100-120 ms) for a first page. Any other key is read in one run: a date whose index holds every row
    /// (<c>issuedOn</c>: the missing values sort last descending, first ascending, as in the index) already gives the
    /// whole order, and a second statement would only cost a round trip whenever the dated run is shorter than the page;
    /// an unindexed date (<c>outcomeRecordedOn</c>) sorts either way; a key read through a navigation (a jurisdiction's
    /// name) or a text column (citizenship) has no index to hold it, and its missing run found apart is one more scan of
    /// the table.
    /// </summary>
    public bool SplitsMissing => Keys[0] is { CanBeNull: true, Body: MemberExpression { Expression: var owner, Member: PropertyInfo property } body } && owner == Parameter
        && System.Nullable.GetUnderlyingType(body.Type) is not null && _readApart.Contains(property);

    /// <summary>The rows missing the first key (<paramref name="missing"/>) or those that have it.</summary>
    public Expression<Func<T, bool>> Missing(bool missing) =>
        Expression.Lambda<Func<T, bool>>(missing ? IsNull(Keys[0]) : Expression.Not(IsNull(Keys[0])), Parameter);

    /// <summary>Turns a cursor's JSON values into the keys' types; false when they do not fit.</summary>
    public bool TryReadValues(JsonElement array, out object?[] values)
    {
        values = [];
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != Keys.Count)
        {
            return false;
        }
        var read = new object?[Keys.Count];
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            try
            {
                read[i] = element.Deserialize(Keys[i].Nullable.Type, KeysetCursor.Json);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
            {
                return false;
            }
            if (read[i] is null && !Keys[i].CanBeNull)
            {
                return false;
            }
            i++;
        }
        values = read;
        return true;
    }

    private static Expression? StrictlyAfter(SortKey key, object? value, bool descending, bool includeMissing)
    {
        if (!descending)
        {
            return value is null ? Expression.Not(IsNull(key)) : Compare(key, value, ExpressionType.GreaterThan);
        }
        if (value is null)
        {
            return null;
        }
        var less = Compare(key, value, ExpressionType.LessThan);
        return includeMissing && key.CanBeNull ? Expression.OrElse(less, IsNull(key)) : less;
    }

    private static Expression Is(SortKey key, object? value) =>
        value is null ? IsNull(key) : Compare(key, value, ExpressionType.Equal);

    private static Expression IsNull(SortKey key) => Expression.Equal(key.Nullable, Expression.Constant(null, key.Nullable.Type));

    /// <summary>
    /// <c>key op value</c> as the database compares them: text by code point (<c>string.Compare</c>, which EF Core
    /// turns into the SQL operator), enums by their stored name (the set of members whose name compares so: an
    /// <c>IN</c> list), everything else with the type's operator. The value is a query parameter.
    /// </summary>
    private static Expression Compare(SortKey key, object value, ExpressionType op)
    {
        var type = key.Nullable.Type;
        var underlying = System.Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            var name = value.ToString()!;
            var members = Enum.GetValues(underlying).Cast<object>()
                .Where(m => Holds(string.CompareOrdinal(m.ToString(), name), op))
                .Select(m => (Expression)Expression.Equal(key.Nullable, Expression.Constant(m, type)));
            return Expressions.OrAll(members);
        }
        var parameter = Expressions.Parameter(value, type);
        if (underlying == typeof(string))
        {
            return op == ExpressionType.Equal
                ? Expression.Equal(key.Nullable, parameter)
                : Expression.MakeBinary(op, Expression.Call(StringCompare, key.Nullable, parameter), Expression.Constant(0));
        }
        return Expression.MakeBinary(op, key.Nullable, parameter);
    }

    private static bool Holds(int comparison, ExpressionType op) => op switch
    {
        ExpressionType.GreaterThan => comparison > 0,
        ExpressionType.GreaterThanOrEqual => comparison >= 0,
        ExpressionType.LessThan => comparison < 0,
        ExpressionType.LessThanOrEqual => comparison <= 0,
        _ => comparison == 0,
    };

    /// <summary>Whether the key is read through a navigation (<c>x.Jurisdiction.Name</c>): missing when the row has none.</summary>
    private static bool ThroughNavigation(Expression body, ParameterExpression parameter)
    {
        while (body is UnaryExpression { NodeType: ExpressionType.Convert } convert)
        {
            body = convert.Operand;
        }
        return body is MemberExpression { Expression: { } owner } && owner != parameter;
    }

    private static Expression StripQuotes(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : e;
}

/// <summary>
/// The cursors of keyset-paged connections: base64url of <c>k1|{entity}|{order signature}|{JSON array of the key
/// values, the unique ID last}</c>. Decoding checks each part: another connection's, another order's, a garbled or
/// oversized cursor is an <c>INVALID_CURSOR</c> error. Position cursors of earlier versions (<c>offset:N</c>) are
/// read up to <see cref="MaxLegacyOffset"/>.
/// </summary>
public static class KeysetCursor
{
    public const string Version = "k1";

    /// <summary>The longest cursor read: a cursor holds a handful of short keys, far less than this.</summary>
    public const int MaxLength = 2048;

    /// <summary>The deepest position cursor of an earlier version still read (its item is found by its position, a cost that grows with it).</summary>
    public const int MaxLegacyOffset = 10_000;

    internal static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>A decoded cursor: key values, or the position of an earlier version's cursor.</summary>
    public readonly record struct Decoded(object?[]? Values, int? LegacyOffset);

    public static string Encode<T>(KeysetOrder<T> order, object?[] values) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}|{typeof(T).Name}|{order.Signature}|{JsonSerializer.Serialize(values, Json)}"));

    public static Decoded Decode<T>(KeysetOrder<T> order, string cursor)
    {
        if (cursor.Length > MaxLength)
        {
            throw Invalid(cursor, $"it is longer than any cursor this API makes ({MaxLength} characters)");
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw Invalid(cursor, "it is not one this API made");
        }
        if (text.StartsWith(Paging.OffsetPrefix, StringComparison.Ordinal))
        {
            if (!Paging.TryReadOffset(text, out var offset))
            {
                throw Invalid(cursor, "it is not one this API made");
            }
            if (offset > MaxLegacyOffset)
            {
                throw Invalid(cursor, $"it is a position cursor of an earlier version past position {MaxLegacyOffset:N0}, which is no longer read; start again from the first page");
            }
            return new Decoded(null, offset);
        }
        var parts = text.Split('|', 4);
        if (parts.Length != 4 || parts[0] != Version)
        {
            throw Invalid(cursor, "it is not one this API made");
        }
        if (parts[1] != typeof(T).Name)
        {
            throw Invalid(cursor, "it belongs to another connection");
        }
        if (parts[2] != order.Signature)
        {
            throw Invalid(cursor, "it was made for another `order`: pass the same `order` as the page it came from");
        }
        try
        {
            using var json = JsonDocument.Parse(parts[3]);
            if (order.TryReadValues(json.RootElement, out var values))
            {
                return new Decoded(values, null);
            }
        }
        catch (JsonException)
        {
        }
        throw Invalid(cursor, "its values do not fit this connection's order");
    }

    private static ExecutionError Invalid(string cursor, string why) => Paging.InvalidCursor(cursor, why);
}

public static class KeysetPaging
{
    /// <summary>
    /// One page of an ordered entity list, by keyset: forward (<c>first</c>, default page size) the rows after
    /// <c>after</c>'s key values, backward (<c>last</c>) the rows before <c>before</c>'s read in the reversed order;
    /// the other cursor, when given, bounds the page. One row more than the page says whether another follows (or
    /// precedes, backward), so <c>last</c> without <c>before</c> needs no count. A first key that can be missing
    /// may take a second statement for the run of rows that follows the cursor's (those missing it, or those that have
    /// it: see <see cref="KeysetOrder{T}.After"/> and <see cref="KeysetOrder{T}.FirstRuns"/>). The
    /// total is counted only when <c>totalCount</c> is selected: when a rollup answers it, as a column of the page's
    /// first statement (an uncorrelated scalar subquery, <see cref="Paging.CountInStatement"/>), else, or when that
    /// statement returns no row, by a statement of its own. <paramref name="projection"/>, when given, narrows the rows
    /// read (counts never see it). <paramref name="readApart"/>: the nullable columns whose runs are read apart when one
    /// leads the order (<see cref="KeysetOrder{T}.SplitsMissing"/>).
    /// </summary>
    public static async Task<Connection<T>> ToKeysetConnectionAsync<T>(this IQueryable<T> ordered, IResolveFieldContext context, IQueryable<T>? syntheticExcluded = null, Expression<Func<T, T>>? projection = null, IReadOnlySet<PropertyInfo>? readApart = null)
    {
        var options = context.RequestServices!.GetRequiredService<PagingOptions>();
        var first = context.GetPageSizeArgument("first", options.MaxPageSize);
        var last = context.GetPageSizeArgument("last", options.MaxPageSize);
        if (first is not null && last is not null)
        {
            throw new ExecutionError("Give `first` or `last`, not both.") { Code = "INVALID_PAGING_ARGUMENTS" };
        }
        var order = KeysetOrder<T>.Of(ordered, readApart);
        var afterText = context.GetArgument<string?>("after");
        var beforeText = context.GetArgument<string?>("before");
        var after = afterText is null ? (KeysetCursor.Decoded?)null : KeysetCursor.Decode(order, afterText);
        var before = beforeText is null ? (KeysetCursor.Decoded?)null : KeysetCursor.Decode(order, beforeText);
        var ct = context.CancellationToken;
        var backward = last is not null;
        var limit = last ?? first ?? options.DefaultPageSize;
        var excludedCount = syntheticExcluded is null ? null : Paging.CountRows(syntheticExcluded, context);

        var afterValues = after is { } a ? await ValuesAsync(order, a, ct) : null;
        var beforeValues = before is { } b ? await ValuesAsync(order, b, ct) : null;
        // An earlier version's `after` past the last row: nothing follows it.
        var pastTheEnd = after is { LegacyOffset: not null } && afterValues is null;

        // An empty page whose `pageInfo` is not selected (`first: 0 { totalCount }`, a count), or a selection that reads no row
        // (`{ totalCount }`), reads no row at all.
        var take = limit == 0 && !Paging.SelectsPageInfo(context) || !Paging.SelectsRows(context) ? 0 : limit + 1;
        var rows = new List<KeyedRow<T>>();
        int? total = null;
        // A list the in-memory counts know to be empty reads nothing, and counts 0 (Paging.KnownEmpty). Asked only of a list that
        // leaves rows out (a `where`, or synthetic records left out): the whole of one is found at once, and the question costs
        // about 0.3 ms.
        if (take > 0 && !pastTheEnd && (syntheticExcluded is not null || Filtered(context)) && Paging.KnownEmpty(ordered, context))
        {
            take = 0;
            total = 0;
        }
        if (take > 0 && !pastTheEnd)
        {
            var (seek, bound) = backward ? (beforeValues, afterValues) : (afterValues, beforeValues);
            // A published-only list whose rows are few among synthetic ones reads only the ids they lie between (Paging.NarrowedToPublished).
            var query = Paging.NarrowedToPublished(order.Source, syntheticExcluded, context);
            if (bound is not null)
            {
                query = query.Where(order.After(bound, reversed: !backward, splitMissing: false).Where);
            }
            // The run of rows that follows the one read first (those missing the first key, or those that have it), read
            // when the page is not full (KeysetOrder.After and FirstRuns).
            Expression<Func<T, bool>>? next = null;
            var read = query;
            if (seek is not null)
            {
                (var where, next) = order.After(seek, reversed: backward, splitMissing: true);
                read = query.Where(where);
            }
            else if (order.FirstRuns(backward) is { } runs)
            {
                read = query.Where(runs.Where);
                next = runs.Next;
            }
            // When the keys are columns of the row, the rows are read alone and the keys taken from them; else each
            // row is read with its keys beside it.
            var rowKeys = order.RowKeys(projection);
            // Built when a read needs it: a page whose first read also counts builds its own (with the count column).
            Expression<Func<T, KeyedRow<T>>>? keyed = null;
            async Task<List<KeyedRow<T>>> ReadAsync(IQueryable<T> source, int count)
            {
                var ordered = order.Order(source, backward);
                return rowKeys is not null
                    ? WithKeys(await Rows(ordered, projection).Take(count).ToListAsync(ct), rowKeys)
                    : await ordered.Select(keyed ??= order.Keyed(projection)).Take(count).ToListAsync(ct);
            }
            // totalCount selected and a rollup answers it: the count is a column of the first read (every row holds
            // it), one statement instead of two. A read that returns no row says nothing: the count then runs alone.
            if (Paging.SelectsTotalCount(context) && Paging.CountInStatement(ordered, context) is { } count)
            {
                var counted = await order.Order(read, backward).Select(order.Keyed(projection, withKeys: rowKeys is null, count)).Take(take).ToListAsync(ct);
                total = counted.Count > 0 ? (int)counted[0].Total : null;
                rows = rowKeys is null ? counted : WithKeys(counted.ConvertAll(r => r.Row), rowKeys);
            }
            else
            {
                rows = await ReadAsync(read, take);
            }
            if (next is not null && rows.Count < take)
            {
                rows.AddRange(await ReadAsync(query.Where(next), take - rows.Count));
            }
        }
        Func<CancellationToken, Task<int>> countTotal = total is { } known
            ? _ => Task.FromResult(known)
            : Paging.CountRows(ordered, context);
        var more = rows.Count > limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        if (backward)
        {
            rows.Reverse();
        }
        var hasNext = backward ? before is not null : more;
        var hasPrevious = backward ? more || after is not null : after is not null;
        var nodes = rows.Select(r => r.Row).ToList();
        // A first page of a root list left empty only because synthetic records were left out says so, as detainerStats does:
        // without it the answer was [] with no word (a store of generated records answers every published-only list so). Only
        // when a rollup counts what was left out (in memory, or one statement of the rollup): a filter on charges or a text
        // method would count the table for a warning. Not a nested list (a week's, a jurisdiction's): one count for each empty
        // one. `syntheticExcluded`, when selected, says the number in every case.
        if (nodes.Count == 0 && syntheticExcluded is not null && excludedCount is not null && after is null && before is null && limit > 0
            && context.ParentType == context.Schema.Query && Paging.SelectsRows(context)
            && Paging.CountInStatement(syntheticExcluded, context) is not null
            && await excludedCount(ct) is > 0 and var left)
        {
            DetainerGraph.Detainers.DetainerStatsQueries.Warn(context, DetainerGraph.Detainers.DetainerStatsQueries.SyntheticExcludedCode,
                $"No published record matches; {left:N0} synthetic (generated demo) records do and were left out. Pass `includeSynthetic: true` to include them.",
                ("syntheticExcluded", left));
        }
        // Cursors are made only for what the selection reads (edges, pageInfo's start and end).
        return new Connection<T>(nodes, i => KeysetCursor.Encode(order, rows[i].Keys), hasNext, hasPrevious, countTotal)
        {
            CountSyntheticExcluded = excludedCount,
        };
    }

    /// <summary>Whether the field was given a <c>where</c>.</summary>
    private static bool Filtered(IResolveFieldContext context) =>
        context.Arguments?.TryGetValue("where", out var where) == true && where.Value is not null;

    private static IQueryable<T> Rows<T>(IQueryable<T> ordered, Expression<Func<T, T>>? projection) =>
        projection is null ? ordered : ordered.Select(projection);

    private static List<KeyedRow<T>> WithKeys<T>(List<T> rows, Func<T, object?>[] keys)
    {
        var keyed = new List<KeyedRow<T>>(rows.Count);
        foreach (var row in rows)
        {
            var values = new object?[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                values[i] = keys[i](row);
            }
            keyed.Add(new KeyedRow<T> { Row = row, Keys = values });
        }
        return keyed;
    }

    /// <summary>A cursor's key values; for an earlier version's position cursor, those of the item at that position (null past the end).</summary>
    private static async Task<object?[]?> ValuesAsync<T>(KeysetOrder<T> order, KeysetCursor.Decoded cursor, CancellationToken ct) =>
        cursor.Values ?? await order.Order(order.Source, reversed: false).Skip(cursor.LegacyOffset!.Value).Select(order.KeysOnly()).FirstOrDefaultAsync(ct);
}
