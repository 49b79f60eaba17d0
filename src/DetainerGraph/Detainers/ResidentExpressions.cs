using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using DetainerGraph.Data;

namespace DetainerGraph.Detainers;

/// <summary>
/// Turns a predicate or a stats key written for a count rollup, <c>DetainerCounts</c> or a coarser one (by <see cref="DetainerCountRollup"/>'s
/// rewrite, the one that writes its SQL) into a delegate over the rows <see cref="ResidentDetainerCounts"/> keeps in
/// memory (by row number, reading the columns it names: <see cref="RollupColumns"/>), giving the answer the SQL gives; or refuses it (null), and the caller asks the database as before.
/// <para>It is no second filter language: the same expression runs, compiled by .NET instead of translated by EF Core,
/// whose translation keeps C#'s meaning of <c>==</c>, <c>!=</c> and <c>IN</c> with nulls. What differs is made the same
/// or refused: a navigation's member is read as null when the navigation is (a LEFT JOIN), <c>x.Value</c> of a missing
/// value is null instead of an exception, and an <c>in</c> list is a hash set (an <c>IN</c> list's cost in SQLite,
/// not a scan of the list per row). Only a short list of node kinds is accepted: comparisons, <c>and</c>/<c>or</c>,
/// conversions, members of the row and of its navigations, <c>Enumerable.Contains</c> over a value list, conditionals,
/// arithmetic and the key's initializer. Anything else (a text method such as <c>ToLower</c>, whose casing rules differ
/// from SQLite's; a collection; a nested navigation) is refused. So is a <c>not</c> over an ordering comparison of a value
/// that may be missing: SQL's NULL stays NULL under NOT where C#'s false turns true (EF Core makes <c>==</c>, <c>!=</c> and
/// <c>IN</c> under NOT mean what C# means, not <c>&lt;</c> or <c>&gt;</c>).</para>
/// The property test (<c>DetainerCountRollupTests</c>) compares every answer with a count of the rows themselves.
/// </summary>
internal static class ResidentExpressions
{
    /// <summary>
    /// The conjunction of <paramref name="predicates"/> as a delegate over row numbers of <paramref name="columns"/>, or null
    /// when one is refused; with <paramref name="necessaryOnly"/>, of those not refused (a superset of the rows, see
    /// <see cref="DetainerCountRollup.TryRewritePredicates{TRow}"/>).
    /// </summary>
    public static Func<int, bool>? TryPredicate<TRow>(IReadOnlyList<Expression<Func<TRow, bool>>> predicates, RollupColumns columns, bool necessaryOnly = false)
    {
        var index = Expression.Parameter(typeof(int), "i");
        Expression? body = null;
        foreach (var predicate in predicates)
        {
            if (TryTranslate(predicate.Body, predicate.Parameters[0], columns, index) is not { } part)
            {
                if (necessaryOnly)
                {
                    continue;
                }
                return null;
            }
            body = body is null ? part : Expression.AndAlso(body, part);
        }
        return Expression.Lambda<Func<int, bool>>(body is null ? Expression.Constant(true) : Tabulator.Tabulate(body, columns, index), index).Compile();
    }

    /// <summary>
    /// A text that names <paramref name="predicates"/> exactly: their expression with every captured value (a filter's
    /// constant, an <c>in</c> list) written out with its type and length, so two filters share a key only when they are the
    /// same filter; null when a value cannot be read without running it.
    /// </summary>
    public static string? Key<TRow>(IReadOnlyList<Expression<Func<TRow, bool>>> predicates, bool necessaryOnly)
    {
        var writer = new ValueWriter();
        writer.Text.Append(necessaryOnly ? "necessary" : "exact");
        foreach (var predicate in predicates)
        {
            // The shape (a captured value prints as the member it is read from), then the values in the order visited.
            writer.Text.Append('\n').Append(predicate.ToString()).Append('\n');
            writer.Visit(predicate);
            if (writer.Unknown)
            {
                return null;
            }
        }
        return writer.Text.ToString();
    }

    /// <summary>Writes each captured value of an expression, in visiting order, with its type and length (<see cref="Key"/>).</summary>
    private sealed class ValueWriter : ExpressionVisitor
    {
        public System.Text.StringBuilder Text { get; } = new();

        public bool Unknown { get; private set; }

        public override Expression? Visit(Expression? node)
        {
            if (node is null || Unknown || node is ParameterExpression or LambdaExpression || !IsClosed(node))
            {
                return base.Visit(node);
            }
            var value = DetainerCountRollup.ValueOf(node, out var known);
            if (!known)
            {
                Unknown = true;
                return node;
            }
            Text.Append('<').Append(node.Type.FullName).Append('>');
            if (value is IEnumerable items and not string)
            {
                foreach (var item in items)
                {
                    Spell(item);
                }
            }
            else
            {
                Spell(value);
            }
            return node;
        }

        private void Spell(object? value)
        {
            var spelled = value is null ? "" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            Text.Append(value is null ? "null" : value.GetType().Name).Append(':').Append(spelled.Length).Append(':').Append(spelled).Append(';');
        }
    }

    /// <summary>
    /// Each part of a translated predicate that reads one column only (<c>set.Contains(DetainerType[i])</c>, a jurisdiction's name
    /// against a text) worked out once per distinct value of that column instead of once per row: it becomes
    /// <c>table[code[i]]</c>, the column's number for the row's value (<see cref="RollupColumns.Codes"/>) indexing the part's
    /// answer for each value. A row then costs a few array reads whatever the part does (hash lookups, text comparisons,
    /// conditionals over a navigation), which took a pass over the 352,359 rows at a million detainers from 25-45 ms to a few.
    /// </summary>
    private sealed class Tabulator(RollupColumns columns, ParameterExpression index) : ExpressionVisitor
    {
        /// <summary>Parts over at most this many distinct values are interpreted, not compiled: compiling costs more than that many runs.</summary>
        private const int Interpreted = 64;

        public static Expression Tabulate(Expression body, RollupColumns columns, ParameterExpression index) =>
            new Tabulator(columns, index).Visit(body)!;

        public override Expression? Visit(Expression? node)
        {
            if (node is null || node.Type != typeof(bool) || node is IndexExpression or BinaryExpression { NodeType: ExpressionType.ArrayIndex })
            {
                return base.Visit(node);
            }
            var reads = new ColumnReads(index);
            reads.Visit(node);
            return reads.Only is { } column && Table(node, column) is { } lookup ? lookup : base.Visit(node);
        }

        /// <summary><c>table[code[i]]</c> for <paramref name="part"/>, which reads no column but <paramref name="column"/>; null when a value cannot be worked out.</summary>
        private Expression? Table(Expression part, Array column)
        {
            var (codeOfRow, values) = columns.Codes(column);
            var value = Expression.Parameter(typeof(int), "v");
            var overValue = new ColumnReplacer(column, index, Expression.ArrayIndex(Expression.Constant(values), value)).Visit(part)!;
            var answer = Expression.Lambda<Func<int, bool>>(overValue, value).Compile(preferInterpretation: values.Length <= Interpreted);
            var table = new bool[values.Length];
            try
            {
                for (var v = 0; v < table.Length; v++)
                {
                    table[v] = answer(v);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A part that would fail for some value (none expected: reads of missing values are guarded): per row, as written.
                return null;
            }
            return Expression.ArrayIndex(Expression.Constant(table), Expression.ArrayIndex(Expression.Constant(codeOfRow), index));
        }

        /// <summary>The columns a part reads at the row (<c>Column[i]</c>); <see cref="Only"/> when that is exactly one.</summary>
        private sealed class ColumnReads(ParameterExpression index) : ExpressionVisitor
        {
            private Array? _first;
            private bool _several;

            public Array? Only => _several ? null : _first;

            protected override Expression VisitBinary(BinaryExpression node)
            {
                if (node.NodeType == ExpressionType.ArrayIndex && node.Right == index && node.Left is ConstantExpression { Value: Array array })
                {
                    _several |= _first is not null && !ReferenceEquals(_first, array);
                    _first ??= array;
                    return node;
                }
                return base.VisitBinary(node);
            }

            protected override Expression VisitParameter(ParameterExpression node)
            {
                // The row number used other than to read a column: not a part of one column.
                _several |= node == index;
                return node;
            }
        }

        /// <summary>Replaces every read of one column at the row with <paramref name="replacement"/>.</summary>
        private sealed class ColumnReplacer(Array column, ParameterExpression index, Expression replacement) : ExpressionVisitor
        {
            protected override Expression VisitBinary(BinaryExpression node) =>
                node.NodeType == ExpressionType.ArrayIndex && node.Right == index && node.Left is ConstantExpression { Value: var array } && ReferenceEquals(array, column)
                    ? replacement
                    : base.VisitBinary(node);
        }
    }

    /// <summary>
    /// A stats key selector (<c>r => new DetainerStatsKey { State = ..., Week = ... }</c>) as a delegate that writes a row's key
    /// into a key object it is given (so grouping allocates a key per value, not per row); null when refused.
    /// </summary>
    public static Action<int, DetainerStatsKey>? TryKeyWriter<TRow>(Expression<Func<TRow, DetainerStatsKey>> key, RollupColumns columns)
    {
        if (key.Body is not MemberInitExpression { NewExpression.Arguments.Count: 0 } init)
        {
            return null;
        }
        var index = Expression.Parameter(typeof(int), "i");
        var target = Expression.Parameter(typeof(DetainerStatsKey), "k");
        var assignments = new List<Expression>();
        foreach (var binding in init.Bindings)
        {
            if (binding is not MemberAssignment { Member: PropertyInfo property } assignment
                || TryTranslate(assignment.Expression, key.Parameters[0], columns, index) is not { } value)
            {
                return null;
            }
            if (value.Type != property.PropertyType)
            {
                if (Nullable.GetUnderlyingType(property.PropertyType) != value.Type && !property.PropertyType.IsAssignableFrom(value.Type))
                {
                    return null;
                }
                value = Expression.Convert(value, property.PropertyType);
            }
            assignments.Add(Expression.Assign(Expression.Property(target, property), value));
        }
        if (assignments.Count == 0)
        {
            return null;
        }
        return Expression.Lambda<Action<int, DetainerStatsKey>>(Expression.Block(assignments), index, target).Compile();
    }

    private static Expression? TryTranslate(Expression body, ParameterExpression row, RollupColumns columns, ParameterExpression index)
    {
        var translator = new Translator(row, columns, index);
        try
        {
            var result = translator.Visit(body);
            return translator.Refused ? null : result;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A node rebuilt with a lifted (nullable) operand where its method takes none: refused, the database answers.
            return null;
        }
    }

    private static readonly HashSet<Type> Navigations = [typeof(Jurisdiction), typeof(Facility), typeof(Week), typeof(Source)];

    private static bool IsNullable(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static Type Lifted(Type type) => IsNullable(type) ? type : typeof(Nullable<>).MakeGenericType(type);

    /// <summary>Whether <paramref name="e"/> holds no parameter at all: a captured value, evaluated as EF Core evaluates it.</summary>
    private static bool IsClosed(Expression e)
    {
        var finder = new ParameterFinder();
        finder.Visit(e);
        return !finder.Found;
    }

    private sealed class ParameterFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found = true;
            return node;
        }
    }

    /// <summary>Translates over <c>r</c>, a rollup row, into an expression over <c>i</c>, its number: <c>r.X</c> reads column X at i.</summary>
    private sealed class Translator(ParameterExpression row, RollupColumns columns, ParameterExpression index) : ExpressionVisitor
    {
        private Expression? Column(string name) =>
            columns.Of(name) is { } array ? Expression.ArrayIndex(Expression.Constant(array), index) : null;

        public bool Refused { get; private set; }

        /// <summary>The nullable values whose <c>.Value</c> the operand being translated reads (see <see cref="Guarded"/>); null outside one.</summary>
        private List<Expression>? _guard;

        /// <summary>How many constructs whose SQL value may be NULL where C#'s is false were written (see the class summary).</summary>
        private int _nullSensitive;

        private Expression Refuse(Expression node)
        {
            Refused = true;
            return node;
        }

        public override Expression? Visit(Expression? node)
        {
            if (Refused || node is null || IsClosed(node))
            {
                return node;
            }
            return node.NodeType switch
            {
                ExpressionType.Parameter or ExpressionType.MemberAccess or ExpressionType.AndAlso or ExpressionType.OrElse
                    or ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                    or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.Add or ExpressionType.Subtract
                    or ExpressionType.Multiply or ExpressionType.Divide or ExpressionType.Modulo or ExpressionType.Not
                    or ExpressionType.Convert or ExpressionType.Call or ExpressionType.Conditional => base.Visit(node),
                _ => Refuse(node),
            };
        }

        // The row itself only through its members (VisitMember); passed whole to anything, refused.
        protected override Expression VisitParameter(ParameterExpression node) => Refuse(node);

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression == row)
            {
                // The row's own column; a navigation alone only beside null (VisitBinary) or as an owner (below).
                return Navigations.Contains(node.Type) || Column(node.Member.Name) is not { } own ? Refuse(node) : own;
            }
            if (node.Expression is MemberExpression { Expression: var owner } member && owner == row && Navigations.Contains(member.Type))
            {
                if (Column(member.Member.Name) is not { } navigation)
                {
                    return Refuse(node);
                }
                // A LEFT JOIN's column: null when the navigation is.
                if (node.Member is not PropertyInfo { PropertyType: var type } || Navigations.Contains(type) || typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string))
                {
                    return Refuse(node);
                }
                // Null-sensitive only under an ordering comparison (VisitBinary counts it there): EF Core gives a LEFT JOIN's NULL
                // C#'s meaning under == and IN.
                var lifted = Lifted(type);
                var read = Expression.Property(navigation, (PropertyInfo)node.Member);
                return Expression.Condition(
                    Expression.Equal(navigation, Expression.Constant(null, navigation.Type)),
                    Expression.Constant(null, lifted),
                    lifted == type ? read : Expression.Convert(read, lifted));
            }
            if (node.Expression is { } value && Nullable.GetUnderlyingType(value.Type) is not null)
            {
                var source = Visit(value);
                if (source is null)
                {
                    return Refuse(node);
                }
                if (node.Member.Name == nameof(Nullable<int>.HasValue))
                {
                    return Expression.Property(source, nameof(Nullable<int>.HasValue));
                }
                if (node.Member.Name != nameof(Nullable<int>.Value) || _guard is null || Nullable.GetUnderlyingType(source.Type) is null)
                {
                    return Refuse(node);
                }
                _guard.Add(source);
                return Expression.Property(source, nameof(Nullable<int>.Value));
            }
            if (node.Member.DeclaringType == typeof(DateOnly) && node.Member.Name is nameof(DateOnly.Year) or nameof(DateOnly.Month) or nameof(DateOnly.Day))
            {
                var date = Visit(node.Expression);
                return date?.Type == typeof(DateOnly) ? Expression.Property(date, node.Member.Name) : Refuse(node);
            }
            return Refuse(node);
        }

        /// <summary>
        /// <paramref name="e"/> read where SQL would give NULL for a missing value: every <c>x.Value</c> inside it becomes
        /// <c>x.HasValue ? (T?)e : null</c> around the whole (a date's year of no date is no year, as in SQL).
        /// </summary>
        private Expression? Guarded(Expression e)
        {
            var outer = _guard;
            _guard = [];
            try
            {
                var translated = Visit(e);
                if (translated is null || _guard.Count == 0)
                {
                    return translated;
                }
                _nullSensitive++;
                var present = _guard.Select(x => (Expression)Expression.Property(x, nameof(Nullable<int>.HasValue))).Aggregate(Expression.AndAlso);
                var type = Lifted(translated.Type);
                return Expression.Condition(present, translated.Type == type ? translated : Expression.Convert(translated, type), Expression.Constant(null, type));
            }
            finally
            {
                _guard = outer;
            }
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            switch (node.NodeType)
            {
                case ExpressionType.AndAlso or ExpressionType.OrElse:
                    return Expression.MakeBinary(node.NodeType, Visit(node.Left)!, Visit(node.Right)!);
                case ExpressionType.Equal or ExpressionType.NotEqual when NavigationAgainstNull(node) is { } navigation:
                    return Column(navigation.Member.Name) is { } column
                        ? Expression.MakeBinary(node.NodeType, column, Expression.Constant(null, column.Type))
                        : Refuse(node);
                case ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                    or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual:
                    var left = Guarded(node.Left);
                    var right = Guarded(node.Right);
                    if (left is null || right is null || Refused)
                    {
                        return Refuse(node);
                    }
                    if (left.Type != right.Type)
                    {
                        (left, right) = (Expression.Convert(left, Lifted(left.Type)), Expression.Convert(right, Lifted(right.Type)));
                    }
                    if (node.NodeType is not (ExpressionType.Equal or ExpressionType.NotEqual) && IsNullable(left.Type))
                    {
                        _nullSensitive++;
                    }
                    // String equality is ordinal in .NET and binary in both stores' text columns.
                    return Expression.MakeBinary(node.NodeType, left, right, liftToNull: false, node.Method);
                default:
                    // Arithmetic, inside a guarded operand (a quarter from a month).
                    return Expression.MakeBinary(node.NodeType, Visit(node.Left)!, Visit(node.Right)!, node.IsLiftedToNull, node.Method);
            }
        }

        /// <summary>Whether <paramref name="e"/> is a row's text column or a text member of one of its navigations, as stored (not computed).</summary>
        private bool ReadsKeptText(Expression e) => e is MemberExpression { Expression: var owner }
            && (owner == row || owner is MemberExpression { Expression: var navigationOwner } && navigationOwner == row);

        /// <summary>The navigation of <c>r.Navigation == null</c> (either side), else null.</summary>
        private MemberExpression? NavigationAgainstNull(BinaryExpression node)
        {
            static bool IsNull(Expression e) => e is ConstantExpression { Value: null };
            MemberExpression? Navigation(Expression e) => e is MemberExpression { Expression: var owner } m && owner == row && Navigations.Contains(m.Type) ? m : null;
            return IsNull(node.Right) ? Navigation(node.Left) : IsNull(node.Left) ? Navigation(node.Right) : null;
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node.NodeType == ExpressionType.Not)
            {
                var before = _nullSensitive;
                var operand = Visit(node.Operand)!;
                return _nullSensitive == before ? Expression.Not(operand) : Refuse(node);
            }
            // Convert: to a nullable type, a guarded read (a missing date's year is null); else the same conversion.
            var translated = Nullable.GetUnderlyingType(node.Type) is not null ? Guarded(node.Operand) : Visit(node.Operand);
            if (translated is null)
            {
                return Refuse(node);
            }
            if (translated.Type == node.Type)
            {
                return translated;
            }
            if (IsNullable(translated.Type) && !IsNullable(node.Type))
            {
                // A value that may now be missing converted to one that cannot be: refused rather than guessed.
                return Refuse(node);
            }
            return Expression.Convert(translated, node.Type);
        }

        protected override Expression VisitConditional(ConditionalExpression node)
        {
            var test = Visit(node.Test)!;
            var ifTrue = Visit(node.IfTrue)!;
            var ifFalse = Visit(node.IfFalse)!;
            return ifTrue.Type == node.Type && ifFalse.Type == node.Type ? Expression.Condition(test, ifTrue, ifFalse, node.Type) : Refuse(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            // list.Contains(x) over a value list: a hash set of the values, ordinal for text as SQL's IN is binary.
            if (node.Method.DeclaringType != typeof(Enumerable) || node.Method.Name != nameof(Enumerable.Contains) || node.Arguments.Count != 2
                || !IsClosed(node.Arguments[0]))
            {
                return Refuse(node);
            }
            var element = node.Method.GetGenericArguments()[0];
            // The list is a filter's captured value, read as the rollup rewrite reads one (no compilation per question).
            if (DetainerCountRollup.ValueOf(node.Arguments[0], out var known) is not { } values || !known)
            {
                return Refuse(node);
            }
            object set;
            if (element == typeof(string) && ReadsKeptText(node.Arguments[1]))
            {
                // A column's or a navigation's own text: every one is the kept instance (RollupColumns.Texts), so the list is the
                // kept instances of its values, compared by reference; a value no row holds is in no row's list, null stays null.
                var kept = new HashSet<string?>(ReferenceEqualityComparer.Instance);
                foreach (var value in (IEnumerable<string?>)values)
                {
                    if (value is null)
                    {
                        kept.Add(null);
                    }
                    else if (columns.Texts.TryGetValue(value, out var instance))
                    {
                        kept.Add(instance);
                    }
                }
                set = kept;
            }
            else
            {
                set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(element), values)!;
            }
            var contains = set.GetType().GetMethod(nameof(HashSet<int>.Contains))!;
            var item = Guarded(node.Arguments[1]);
            if (item is null)
            {
                return Refuse(node);
            }
            // Not null-sensitive: EF Core writes IN with C#'s meaning for a missing value (NOT IN holds for it unless the list has null).
            if (item.Type == element)
            {
                return Expression.Call(Expression.Constant(set), contains, item);
            }
            // A lifted item (a navigation's value, null with the navigation): in no list.
            return Nullable.GetUnderlyingType(item.Type) == element
                ? Expression.AndAlso(Expression.Property(item, nameof(Nullable<int>.HasValue)),
                    Expression.Call(Expression.Constant(set), contains, Expression.Property(item, nameof(Nullable<int>.Value))))
                : Refuse(node);
        }
    }
}
