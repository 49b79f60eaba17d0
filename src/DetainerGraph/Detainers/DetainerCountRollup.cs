using System.Linq.Expressions;
using System.Reflection;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace DetainerGraph.Detainers;

/// <summary>
/// Answers counts of detainers from the rollups (<see cref="DetainerTotal"/> when it covers the question, else
/// <see cref="DetainerCount"/>) instead of the <c>Detainers</c> table, whenever the question only touches the rollup's dimensions: the jurisdiction (and
/// anything of it: state, field office, name), facility, week, outcome, detainer type, citizenship, source (and
/// its kind), retraction, whether it is synthetic (so the default published-only counts qualify), and the issue and outcome dates to the month (<c>issuedOn</c> bounds on month
/// boundaries, grouping by year or month). The cost is then the number of distinct combinations, not the number
/// of detainers. Anything else (a charge filter, a day-level date bound, ids) returns null: the caller runs the
/// plain query.
/// <para>How: the filtered <c>IQueryable&lt;Detainer&gt;</c> is a chain of <c>Where</c> calls on the table;
/// each predicate is rewritten member by member onto the rollup, and the rollup's <c>Count</c> summed.</para>
/// </summary>
public static class DetainerCountRollup
{
    /// <summary>
    /// SQLite bulk import, first step: inside the import's transaction, stops the per-row insert trigger from
    /// maintaining the rollups (SQLite has one writer, so no other connection inserts meanwhile). Must be
    /// followed, in the same transaction, by <see cref="AddImportedSourceAsync"/>.
    /// </summary>
    public static Task DeferForBulkInsertAsync(DetainerDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("INSERT INTO \"DetainerRollupsDeferred\" (\"Reason\") VALUES ('bulk import')", ct);

    /// <summary>
    /// SQLite bulk import, last step: the trigger back on, and the new source's rollup rows added, all counted in memory
    /// from the rows written and sorted as a <c>GROUP BY</c> over them would give them (see <see cref="SourceRollupGroups"/>,
    /// <see cref="SourceRollupGroups.Summarize"/>). DetainerCounts and DetainerTotals take them as they are (no existing row
    /// can share their key, since the source is part of it); the coarse rollups, whose keys hold no source, merge theirs in.
    /// </summary>
    public static async Task AddImportedSourceAsync(
        DetainerDbContext db, int sourceId, bool isSynthetic, SourceRollupGroups groups, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"DetainerRollupsDeferred\"", ct);
        await groups.WriteAsync(db, null, sourceId, isSynthetic, ct);
        using (var totals = new SqliteBulkInserter<DetainerTotal>(db))
        {
            var row = new DetainerTotal { SourceId = sourceId, IsSynthetic = isSynthetic, Retracted = false };
            foreach (var (key, count) in groups.Totals)
            {
                (row.Outcome, row.DetainerType, row.IssuedMonth, row.OutcomeMonth, row.Count) = (key.Outcome, key.DetainerType, key.IssuedMonth, key.OutcomeMonth, count);
                totals.Insert(row);
            }
        }
        ct.ThrowIfCancellationRequested();
        await MergeCoarseAsync(db, CoarseRollups[0], groups.Coarse(SourceRollupGroups.CoarseRollup.RegionWeek), isSynthetic,
            static (r, k, n) => (r.State, r.WeekStart, r.FieldOffice, r.Outcome, r.DetainerType, r.Count) = (k.Text, k.Date, k.FieldOffice, k.Outcome, k.DetainerType, n),
            static s => new DetainerRegionWeekCount { IsSynthetic = s }, ct);
        await MergeCoarseAsync(db, CoarseRollups[1], groups.Coarse(SourceRollupGroups.CoarseRollup.RegionMonth), isSynthetic,
            static (r, k, n) => (r.State, r.IssuedMonth, r.FieldOffice, r.Outcome, r.DetainerType, r.Count) = (k.Text, k.Date, k.FieldOffice, k.Outcome, k.DetainerType, n),
            static s => new DetainerRegionMonthCount { IsSynthetic = s }, ct);
        await MergeCoarseAsync(db, CoarseRollups[2], groups.Coarse(SourceRollupGroups.CoarseRollup.CitizenshipWeek), isSynthetic,
            static (r, k, n) => (r.Citizenship, r.WeekStart, r.Outcome, r.DetainerType, r.Count) = (k.Text, k.Date, k.Outcome, k.DetainerType, n),
            static s => new DetainerCitizenshipWeekCount { IsSynthetic = s }, ct);
        await MergeCoarseAsync(db, CoarseRollups[3], groups.Coarse(SourceRollupGroups.CoarseRollup.StateWeek), isSynthetic,
            static (r, k, n) => (r.State, r.WeekStart, r.Outcome, r.Count) = (k.Text, k.Date, k.Outcome, n),
            static s => new DetainerStateWeekCount { IsSynthetic = s }, ct);
    }

    /// <summary>
    /// One coarse rollup's groups of the new source merged in: written, in order, to a temporary table with the rollup's
    /// columns, then added to the rows with the same key (each found by the rollup's key index) and inserted, in that
    /// order, where there are none. The cost is the new source's size, not the store's.
    /// </summary>
    private static async Task MergeCoarseAsync<TRow>(
        DetainerDbContext db, (string Table, string[] Columns) rollup, IReadOnlyList<(SourceRollupGroups.CoarseKey Key, long Count)> groups,
        bool isSynthetic, Action<TRow, SourceRollupGroups.CoarseKey, long> fill, Func<bool, TRow> create, CancellationToken ct)
        where TRow : class
    {
        var columns = string.Join(", ", rollup.Columns.Select(c => $"\"{c}\""));
        var same = string.Join(" AND ", rollup.Columns.Select(c => $"r.\"{c}\" IS x.\"{c}\""));
        // The names are this class's constants, not input.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS temp.\"CoarseRollupDelta\"", ct);
        await db.Database.ExecuteSqlRawAsync(
            $"CREATE TEMP TABLE \"CoarseRollupDelta\" AS SELECT {columns}, \"Count\" FROM \"{rollup.Table}\" WHERE 0", ct);
        using (var inserter = new SqliteBulkInserter<TRow>(db, into: "CoarseRollupDelta"))
        {
            // One row object, its values replaced per group; the retraction is false and the synthetic flag the source's.
            var row = create(isSynthetic);
            foreach (var (key, count) in groups)
            {
                fill(row, key, count);
                inserter.Insert(row);
            }
        }
        await db.Database.ExecuteSqlRawAsync(
            $"UPDATE \"{rollup.Table}\" AS r SET \"Count\" = r.\"Count\" + x.\"Count\" FROM temp.\"CoarseRollupDelta\" x WHERE {same}", ct);
        await db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO \"{rollup.Table}\" ({columns}, \"Count\") SELECT {columns}, \"Count\" FROM temp.\"CoarseRollupDelta\" x WHERE NOT EXISTS (SELECT 1 FROM \"{rollup.Table}\" r WHERE {same})", ct);
        await db.Database.ExecuteSqlRawAsync("DROP TABLE temp.\"CoarseRollupDelta\"", ct);
#pragma warning restore EF1002
    }

    private static readonly string[] KindColumns = ["Outcome", "DetainerType", "Retracted", "IsSynthetic"];

    // The coarse rollups: table and key columns (the same as the CoarseCountRollups migration's), in the order of
    // SourceRollupGroups.CoarseRollup. Their keys hold no source, so a new source's groups may fall on existing keys.
    private static readonly (string Table, string[] Columns)[] CoarseRollups =
    [
        ("DetainerRegionWeekCounts", ["State", "WeekStart", "FieldOffice", .. KindColumns]),
        ("DetainerRegionMonthCounts", ["State", "IssuedMonth", "FieldOffice", .. KindColumns]),
        ("DetainerCitizenshipWeekCounts", ["Citizenship", "WeekStart", .. KindColumns]),
        ("DetainerStateWeekCounts", ["State", "WeekStart", "Outcome", "Retracted", "IsSynthetic"]),
    ];

    /// <summary>
    /// The rollups from the smallest to the finest: a question is answered by the first whose columns hold every
    /// member its filter (and grouping) touches; the rewrite of any other member fails, so a rollup that does not
    /// cover the question is never read. Then the plain query.
    /// </summary>
    private static readonly IRollup[] SmallestFirst =
    [
        new Rollup<DetainerTotal>(), new Rollup<DetainerCitizenshipWeekCount>(), new Rollup<DetainerStateWeekCount>(),
        new Rollup<DetainerRegionMonthCount>(), new Rollup<DetainerRegionWeekCount>(), new Rollup<DetainerCount>(),
    ];

    /// <summary>
    /// The number of detainers <paramref name="detainers"/> holds, from a rollup when one can answer; else a <c>COUNT</c> of
    /// the table, after <paramref name="beforeTable"/> (which may wait for a scan slot, <see cref="Api.ScanAdmission"/>).
    /// </summary>
    public static async Task<int> CountAsync(
        DetainerDbContext db, IQueryable<Detainer> detainers, CancellationToken ct, Func<CancellationToken, ValueTask>? beforeTable = null,
        ResidentSnapshot? resident = null)
    {
        // Every rollup is held in memory on the embedded store: summed there from the smallest that holds the filter, when it
        // runs exactly (ResidentSnapshot).
        if (resident?.TryCount(detainers) is { } summed)
        {
            return (int)summed;
        }
        foreach (var rollup in SmallestFirst)
        {
            if (rollup.TryCounts(db, detainers) is { } counts)
            {
                // A plain SUM over the matching rows, on both providers. EF Core writes it COALESCE(SUM(Count), 0): SUM over
                // no rows is NULL in SQL, and the count of nothing is 0. A GROUP BY on a constant key (the form this
                // replaced) made SQLite sort the rows into its one group first, for twice the time.
                return (int)await counts.SumAsync(ct);
            }
        }
        if (beforeTable is not null)
        {
            await beforeTable(ct);
        }
        return await detainers.CountAsync(ct);
    }

    /// <summary>
    /// Whether <paramref name="query"/> reads the detainer table or the finest rollup (<see cref="DetainerCount"/>, about a
    /// third as many rows as detainers at a million generated ones) rather than only the small rollups: at a million
    /// detainers such a grouped count takes 0.1-1 s, or seconds from the table, against milliseconds.
    /// </summary>
    public static bool ReadsRowByRow(IQueryable query) => Reads(query, typeof(Detainer), typeof(DetainerCount));

    private static bool Reads(IQueryable query, params Type[] sources)
    {
        var finder = new SourceFinder(sources);
        finder.Visit(query.Expression);
        return finder.Found;
    }

    private sealed class SourceFinder(Type[] sources) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitExtension(Expression node)
        {
            if (node is QueryRootExpression root && sources.Contains(root.ElementType))
            {
                Found = true;
                return node;
            }
            return node.CanReduce ? base.VisitExtension(node) : node;
        }
    }

    /// <summary>
    /// The count <see cref="CountAsync"/> answers from a rollup, as an expression to read inside another statement:
    /// <c>Queryable.Sum</c> over the same rollup rows (a scalar subquery in SQL, <c>COALESCE(SUM(Count), 0)</c>, the
    /// same sum <see cref="CountAsync"/> runs as a statement of its own); null when no rollup covers <paramref name="detainers"/>.
    /// </summary>
    public static Expression? TryCountInStatement(DetainerDbContext db, IQueryable<Detainer> detainers, ResidentSnapshot? resident = null)
    {
        // Summed in memory (see CountAsync), the count is a parameter of the statement instead of a subquery in it.
        if (resident?.TryCount(detainers) is { } summed)
        {
            return Api.Filtering.Expressions.Parameter(summed, typeof(long));
        }
        foreach (var rollup in SmallestFirst)
        {
            if (rollup.TryCounts(db, detainers) is { } counts)
            {
                return Expression.Call(SumOfCounts, counts.Expression);
            }
        }
        return null;
    }

    private static readonly MethodInfo SumOfCounts = typeof(Queryable).GetMethod(nameof(Queryable.Sum), [typeof(IQueryable<long>)])!;

    /// <summary>
    /// The groups of <paramref name="detainers"/> by <paramref name="key"/> (all of them as one group when null),
    /// summed from the smallest rollup that holds the filter's and the key's members, in the shape
    /// <see cref="DetainerStats.Groups"/> returns (unordered: the caller orders and pages it in SQL); null when the
    /// filter or the key needs the table. Outcome counts, when asked for, are one conditional sum per outcome.
    /// </summary>
    public static IQueryable<DetainerStatsGroup>? TryGroups(
        DetainerDbContext db, IQueryable<Detainer> detainers, Expression<Func<Detainer, DetainerStatsKey>>? key, bool withOutcomes) =>
        SmallestFirst.Select(r => r.TryGroups(db, detainers, key, withOutcomes)).FirstOrDefault(g => g is not null);

    private interface IRollup
    {
        /// <summary>The matching rows' counts, to be summed.</summary>
        IQueryable<long>? TryCounts(DetainerDbContext db, IQueryable<Detainer> detainers);

        IQueryable<DetainerStatsGroup>? TryGroups(
            DetainerDbContext db, IQueryable<Detainer> detainers, Expression<Func<Detainer, DetainerStatsKey>>? key, bool withOutcomes);
    }

    private sealed class Rollup<TRow> : IRollup
        where TRow : class
    {
        public IQueryable<long>? TryCounts(DetainerDbContext db, IQueryable<Detainer> detainers) =>
            TryRewrite(detainers, Rows<TRow>(db)) is { } rows ? rows.Select(CountOf) : null;

        public IQueryable<DetainerStatsGroup>? TryGroups(
            DetainerDbContext db, IQueryable<Detainer> detainers, Expression<Func<Detainer, DetainerStatsKey>>? key, bool withOutcomes)
        {
            if (TryRewrite(detainers, Rows<TRow>(db)) is not { } rows)
            {
                return null;
            }
            if (key is null)
            {
                return rows.GroupBy(r => 1).Select(GroupOf<TRow, int>(withOutcomes, keyed: false));
            }
            return Rewrite<TRow, DetainerStatsKey>(key) is { } rowKey
                ? rows.GroupBy(rowKey).Select(GroupOf<TRow, DetainerStatsKey>(withOutcomes, keyed: true))
                : null;
        }

        /// <summary><c>r => r.Count</c>.</summary>
        private static readonly Expression<Func<TRow, long>> CountOf = BuildCountOf();

        private static Expression<Func<TRow, long>> BuildCountOf()
        {
            var row = Expression.Parameter(typeof(TRow), "r");
            return Expression.Lambda<Func<TRow, long>>(Expression.Property(row, nameof(DetainerCount.Count)), row);
        }
    }

    /// <summary>
    /// <c>g => new DetainerStatsGroup { Keys = g.Key, Count = (int)g.Sum(r => r.Count), Outcomes = new DetainerOutcomeCounts
    /// { Open = (int)g.Sum(r => r.Outcome == Open ? r.Count : 0), ... } }</c> over rollup rows.
    /// </summary>
    private static Expression<Func<IGrouping<TKey, TRow>, DetainerStatsGroup>> GroupOf<TRow, TKey>(bool withOutcomes, bool keyed)
    {
        var group = Expression.Parameter(typeof(IGrouping<TKey, TRow>), "g");
        Expression SumOf(Func<ParameterExpression, Expression> value)
        {
            var row = Expression.Parameter(typeof(TRow), "r");
            var sum = Expression.Call(typeof(Enumerable), nameof(Enumerable.Sum), [typeof(TRow)], group,
                Expression.Lambda<Func<TRow, long>>(value(row), row));
            return Expression.Convert(sum, typeof(int));
        }
        var bindings = new List<MemberBinding>
        {
            Expression.Bind(typeof(DetainerStatsGroup).GetProperty(nameof(DetainerStatsGroup.Count))!,
                SumOf(r => Expression.Property(r, nameof(DetainerCount.Count)))),
        };
        if (keyed)
        {
            bindings.Add(Expression.Bind(typeof(DetainerStatsGroup).GetProperty(nameof(DetainerStatsGroup.Keys))!,
                Expression.Property(group, nameof(IGrouping<TKey, TRow>.Key))));
        }
        if (withOutcomes)
        {
            var counts = DetainerOutcomeCounts.Properties.Select(p => (MemberBinding)Expression.Bind(p.Property, SumOf(r => Expression.Condition(
                Expression.Equal(Expression.Property(r, nameof(DetainerCount.Outcome)), Expression.Constant(p.Outcome)),
                Expression.Property(r, nameof(DetainerCount.Count)),
                Expression.Constant(0L)))));
            bindings.Add(Expression.Bind(typeof(DetainerStatsGroup).GetProperty(nameof(DetainerStatsGroup.Outcomes))!,
                Expression.MemberInit(Expression.New(typeof(DetainerOutcomeCounts)), counts)));
        }
        return Expression.Lambda<Func<IGrouping<TKey, TRow>, DetainerStatsGroup>>(
            Expression.MemberInit(Expression.New(typeof(DetainerStatsGroup)), bindings), group);
    }

    /// <summary>The rows of <paramref name="rollup"/> matching the same filters as <paramref name="detainers"/>, or null.</summary>
    public static IQueryable<TRow>? TryRewrite<TRow>(IQueryable<Detainer> detainers, IQueryable<TRow> rollup)
    {
        if (TryRewritePredicates<TRow>(detainers) is not { } predicates)
        {
            return null;
        }
        foreach (var predicate in predicates)
        {
            rollup = rollup.Where(predicate);
        }
        return rollup;
    }

    /// <summary>
    /// <paramref name="detainers"/>' filters, each rewritten onto the rollup's rows; null when one (or anything but a filter or
    /// an order) cannot be. With <paramref name="necessaryOnly"/>, each filter's conjuncts (<c>a &amp;&amp; b</c>) are rewritten one
    /// by one and those that cannot be are left out: the rows the rest match are then a superset of the detainers', enough to
    /// tell that none match (<see cref="ResidentSnapshot.KnownEmpty"/>) but never to count them.
    /// </summary>
    public static List<Expression<Func<TRow, bool>>>? TryRewritePredicates<TRow>(IQueryable<Detainer> detainers, bool necessaryOnly = false)
    {
        var predicates = new List<LambdaExpression>();
        var expression = detainers.Expression;
        while (expression is MethodCallExpression call && call.Method.DeclaringType == typeof(Queryable))
        {
            if (call.Method.Name is nameof(Queryable.Where) && StripQuotes(call.Arguments[1]) is LambdaExpression { Parameters.Count: 1 } predicate)
            {
                predicates.Add(predicate);
            }
            else if (call.Method.Name is not (nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending)
                     or nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending)))
            {
                // Orderings do not change a count; anything else (paging, projections, joins) needs the table.
                return null;
            }
            expression = call.Arguments[0];
        }
        if (expression is not EntityQueryRootExpression root || root.EntityType.ClrType != typeof(Detainer))
        {
            return null;
        }
        var rewritten = new List<Expression<Func<TRow, bool>>>(predicates.Count);
        foreach (var predicate in necessaryOnly ? predicates.SelectMany(Conjuncts) : predicates)
        {
            if (Rewrite<TRow, bool>((Expression<Func<Detainer, bool>>)predicate) is { } onRollup)
            {
                rewritten.Add(onRollup);
            }
            else if (!necessaryOnly)
            {
                return null;
            }
        }
        return rewritten;
    }

    /// <summary>The parts of a predicate that must all hold (<c>a &amp;&amp; b</c>, at any depth), each as a predicate of its own.</summary>
    private static IEnumerable<LambdaExpression> Conjuncts(LambdaExpression predicate) =>
        predicate.Body is BinaryExpression { NodeType: ExpressionType.AndAlso } both
            ? Conjuncts(Expression.Lambda(both.Left, predicate.Parameters)).Concat(Conjuncts(Expression.Lambda(both.Right, predicate.Parameters)))
            : [predicate];

    /// <summary>A stats key selector over detainers rewritten onto the rollup's rows, or null.</summary>
    public static Expression<Func<TRow, DetainerStatsKey>>? RewriteKey<TRow>(Expression<Func<Detainer, DetainerStatsKey>> key) => Rewrite<TRow, DetainerStatsKey>(key);

    /// <summary>
    /// A rollup's rows (on SQL Server, the indexed views read through their index; the coarse ones are plain views over them).
    /// The provider is told by the context's type: <c>Database.IsSqlServer()</c> compares provider assembly names, which
    /// cost more than the rest of this method on every count.
    /// </summary>
    public static IQueryable<TRow> Rows<TRow>(DetainerDbContext db)
        where TRow : class =>
        db is SqlServerDetainerDbContext && (typeof(TRow) == typeof(DetainerTotal) || typeof(TRow) == typeof(DetainerCount))
            // Indexed views: without NOEXPAND only some editions read the index instead of the base table.
            ? db.Set<TRow>().FromSqlRaw(typeof(TRow) == typeof(DetainerTotal)
                ? "SELECT * FROM [dbo].[DetainerTotals] WITH (NOEXPAND)"
                : "SELECT * FROM [dbo].[DetainerCounts] WITH (NOEXPAND)")
            : db.Set<TRow>();

    private static Expression StripQuotes(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Quote } q ? q.Operand : e;

    private static Expression<Func<TRow, T>>? Rewrite<TRow, T>(Expression<Func<Detainer, T>> lambda)
    {
        var visitor = new Rewriter(lambda.Parameters[0], typeof(TRow));
        var body = visitor.Visit(lambda.Body);
        return visitor.Failed || body is null ? null : Expression.Lambda<Func<TRow, T>>(body, visitor.Row);
    }

    /// <summary>The value of a parameter-free expression (a filter's captured value), read without compiling it; <paramref name="known"/> false otherwise.</summary>
    internal static object? ValueOf(Expression e, out bool known) => Rewriter.Evaluate(e, out known);

    /// <summary>Maps a detainer's members onto the rollup's; sets <see cref="Failed"/> on anything it cannot.</summary>
    private sealed class Rewriter(ParameterExpression detainer, Type rowType) : ExpressionVisitor
    {
        // Detainer members with a rollup column of the same name and meaning (navigations join small tables).
        private static readonly HashSet<string> SameName =
        [
            nameof(Detainer.JurisdictionId), nameof(Detainer.Jurisdiction), nameof(Detainer.FacilityId), nameof(Detainer.Facility),
            nameof(Detainer.WeekStart), nameof(Detainer.Week), nameof(Detainer.Outcome), nameof(Detainer.DetainerType),
            nameof(Detainer.Citizenship), nameof(Detainer.SourceId), nameof(Detainer.Source), nameof(Detainer.Retracted),
            nameof(Detainer.IsSynthetic),
        ];

        // Dates the rollup keeps to the month: a Detainer member and its rollup column.
        private static readonly Dictionary<string, string> ToTheMonth = new()
        {
            [nameof(Detainer.IssuedOn)] = nameof(DetainerCount.IssuedMonth),
            [nameof(Detainer.OutcomeRecordedOn)] = nameof(DetainerCount.OutcomeMonth),
        };

        public ParameterExpression Row { get; } = Expression.Parameter(rowType, "r");
        public bool Failed { get; private set; }

        public override Expression? Visit(Expression? node) => Failed ? node : base.Visit(node);

        protected override Expression VisitParameter(ParameterExpression node)
        {
            // The detainer itself used other than through a mapped member (e.g. passed whole to a method).
            Failed |= node == detainer;
            return node;
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (OwnColumn(node) is { } own)
            {
                return own;
            }
            if (node.Expression == detainer)
            {
                if (SameName.Contains(node.Member.Name) && rowType.GetProperty(node.Member.Name) is not null)
                {
                    return Expression.Property(Row, node.Member.Name);
                }
                Failed = true;
                return node;
            }
            // d.IssuedOn.Value.Year / .Month: the same on the month.
            if (node.Member.Name is nameof(DateOnly.Year) or nameof(DateOnly.Month)
                && node.Member.DeclaringType == typeof(DateOnly)
                && MonthColumn(node.Expression) is { } month)
            {
                return Expression.Property(month, node.Member.Name);
            }
            return base.VisitMember(node);
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            // d.Week == null, d.Jurisdiction != null: the rollup's own week (state) column against null. A state is never
            // null, so a null state is a detainer without a jurisdiction.
            if (node.NodeType is ExpressionType.Equal or ExpressionType.NotEqual
                && (NavigationKey(node.Left) is { } key && IsNull(node.Right) || NavigationKey(node.Right) is { } flippedKey && IsNull(node.Left) && (key = flippedKey) is not null))
            {
                return Expression.MakeBinary(node.NodeType, key, Expression.Constant(null, key.Type));
            }
            var (date, other, flipped) = MonthColumn(node.Left) is { } left ? (left, node.Right, false)
                : MonthColumn(node.Right) is { } right ? (right, node.Left, true)
                : (null, null, false);
            if (date is null || other is null)
            {
                return base.VisitBinary(node);
            }
            // A bound on the date is a bound on its month when it falls on a month boundary: on or after (or
            // before) the 1st, after (or on or before) the last day. Null checks carry over as they are.
            var value = Evaluate(other, out var known) as DateOnly?;
            var op = flipped ? Flip(node.NodeType) : node.NodeType;
            var exact = known && (value is null
                ? op is ExpressionType.Equal or ExpressionType.NotEqual
                : op switch
                {
                    ExpressionType.GreaterThanOrEqual or ExpressionType.LessThan => value.Value.Day == 1,
                    // The calendar's last day ends a month too (and has no day after it).
                    ExpressionType.GreaterThan or ExpressionType.LessThanOrEqual => value.Value == DateOnly.MaxValue || value.Value.AddDays(1).Day == 1,
                    _ => false,
                });
            if (!exact)
            {
                Failed = true;
                return node;
            }
            Expression column = date.Type == other.Type ? date : Expression.Convert(date, other.Type);
            return flipped
                ? Expression.MakeBinary(node.NodeType, other, column, node.IsLiftedToNull, node.Method)
                : Expression.MakeBinary(node.NodeType, column, other, node.IsLiftedToNull, node.Method);
        }

        /// <summary>
        /// A member of a navigation read from the rollup's own column, without joining the navigation's table:
        /// <c>d.Week.Start</c> as <c>r.WeekStart.Value</c> on every rollup with a week; on a rollup keyed by state (no
        /// jurisdiction), <c>d.Jurisdiction.State</c> and <c>.FieldOffice</c> as its columns. Null when there is none.
        /// </summary>
        private MemberExpression? OwnColumn(MemberExpression node)
        {
            if (node.Expression is not MemberExpression { Expression: var owner } navigation || owner != detainer)
            {
                return null;
            }
            if (navigation.Member.Name == nameof(Detainer.Week) && node.Member.Name == nameof(Week.Start)
                && rowType.GetProperty(nameof(DetainerCount.WeekStart)) is { } week)
            {
                return Expression.Property(Expression.Property(Row, week), nameof(Nullable<DateOnly>.Value));
            }
            if (navigation.Member.Name == nameof(Detainer.Jurisdiction) && rowType.GetProperty(nameof(Detainer.Jurisdiction)) is null
                && node.Member.Name is nameof(Jurisdiction.State) or nameof(Jurisdiction.FieldOffice)
                && rowType.GetProperty(node.Member.Name) is { } column)
            {
                return Expression.Property(Row, column);
            }
            return null;
        }

        /// <summary>For <c>d.Week</c>, the rollup's week column; for <c>d.Jurisdiction</c> on a rollup keyed by state, its state.</summary>
        private MemberExpression? NavigationKey(Expression e)
        {
            if (e is not MemberExpression { Expression: var owner } navigation || owner != detainer)
            {
                return null;
            }
            return navigation.Member.Name switch
            {
                nameof(Detainer.Week) when rowType.GetProperty(nameof(DetainerCount.WeekStart)) is { } week => Expression.Property(Row, week),
                nameof(Detainer.Jurisdiction) when rowType.GetProperty(nameof(Detainer.Jurisdiction)) is null
                    && rowType.GetProperty(nameof(Jurisdiction.State)) is { } state => Expression.Property(Row, state),
                _ => null,
            };
        }

        private static bool IsNull(Expression e) => Evaluate(e, out var known) is null && known;

        /// <summary>The rollup's month column for <c>d.IssuedOn</c>, <c>d.IssuedOn.Value</c> or a conversion of either.</summary>
        private MemberExpression? MonthColumn(Expression? e)
        {
            while (e is UnaryExpression { NodeType: ExpressionType.Convert } convert)
            {
                e = convert.Operand;
            }
            if (e is MemberExpression { Member.Name: "Value" } value && Nullable.GetUnderlyingType(value.Expression!.Type) is not null)
            {
                return MonthColumn(value.Expression) is { } month ? Expression.Property(month, "Value") : null;
            }
            return e is MemberExpression member && member.Expression == detainer && ToTheMonth.TryGetValue(member.Member.Name, out var column)
                   && rowType.GetProperty(column) is not null
                ? Expression.Property(Row, column)
                : null;
        }

        private static ExpressionType Flip(ExpressionType op) => op switch
        {
            ExpressionType.GreaterThan => ExpressionType.LessThan,
            ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
            ExpressionType.LessThan => ExpressionType.GreaterThan,
            ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
            _ => op,
        };

        /// <summary>The value of a parameter-free expression: constants, captured values and conversions of them.</summary>
        internal static object? Evaluate(Expression e, out bool known)
        {
            switch (e)
            {
                case ConstantExpression c:
                    known = true;
                    return c.Value;
                case UnaryExpression { NodeType: ExpressionType.Convert } convert:
                    return Evaluate(convert.Operand, out known);
                case MemberExpression { Expression: { } holder } member:
                    var target = Evaluate(holder, out known);
                    if (!known || target is null)
                    {
                        known = false;
                        return null;
                    }
                    if (member.Member is PropertyInfo property)
                    {
                        return property.GetValue(target);
                    }
                    if (member.Member is FieldInfo field)
                    {
                        return field.GetValue(target);
                    }
                    known = false;
                    return null;
                default:
                    known = false;
                    return null;
            }
        }
    }
}
