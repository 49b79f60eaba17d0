using System.Linq.Expressions;
using System.Reflection;
using DetainerGraph.Data;

namespace DetainerGraph.Detainers;

/// <summary>
/// The rows of one count rollup (<c>DetainerCounts</c>, or a coarser one such as <c>DetainerStateWeekCounts</c>) held in
/// memory as one array per member (row i is element i of each), so a filter reads only the columns it names, in order: as
/// objects, every question touched every row's whole object (about 45 MB at a million generated detainers), 17 ms a pass;
/// as columns, a few of 0.4-3 MB each. The navigations are arrays of shared objects (a jurisdiction's row is one object
/// however many rows name it); every text is kept once (<see cref="Texts"/>).
/// </summary>
public sealed class RollupColumns
{
    private readonly Dictionary<string, Array> _byName;

    private RollupColumns(int length, Dictionary<string, Array> byName)
    {
        Length = length;
        _byName = byName;
        Count = (long[])byName[nameof(DetainerCount.Count)];
        Outcome = byName.GetValueOrDefault(nameof(DetainerCount.Outcome)) as DetainerOutcome[];
    }

    public int Length { get; }

    /// <summary>How many detainers each row stands for.</summary>
    public long[] Count { get; }

    /// <summary>Each row's outcome; null for a rollup without one.</summary>
    public DetainerOutcome[]? Outcome { get; }

    /// <summary>
    /// Every text the columns and the navigations' objects hold, each kept once: equal texts are the same object, so a list
    /// condition compares references (<see cref="ResidentExpressions"/>) instead of hashing each row's text.
    /// </summary>
    public Dictionary<string, string> Texts { get; } = new(StringComparer.Ordinal);

    /// <summary>The one kept instance of <paramref name="text"/>.</summary>
    public string Keep(string text) => Texts.TryGetValue(text, out var kept) ? kept : Texts[text] = text;

    /// <summary>Makes every text property of <paramref name="entity"/> (a navigation's object) the kept instance.</summary>
    public void KeepTexts(object entity)
    {
        foreach (var property in entity.GetType().GetProperties())
        {
            if (property.PropertyType == typeof(string) && property.CanWrite && property.GetValue(entity) is string text)
            {
                property.SetValue(entity, Keep(text));
            }
        }
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Array, Lazy<(int[] CodeOfRow, Array Values)>> _codes = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// <paramref name="column"/> (one of this table's) as numbers: each row's value's number, and the distinct values in the order
    /// first seen (equal as the column's type compares them: texts ordinally, navigations' objects by reference, each shared).
    /// Made once per table and column, on first use.
    /// </summary>
    public (int[] CodeOfRow, Array Values) Codes(Array column) =>
        _codes.GetOrAdd(column, c => new Lazy<(int[], Array)>(() =>
            ((int[], Array))EncodeMethod.MakeGenericMethod(c.GetType().GetElementType()!).Invoke(null, [c])!)).Value;

    private static readonly MethodInfo EncodeMethod = typeof(RollupColumns).GetMethod(nameof(Encode), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static (int[], Array) Encode<T>(T[] column)
    {
        var numbers = new Dictionary<Box<T>, int>();
        var values = new List<T>();
        var codeOfRow = new int[column.Length];
        for (var i = 0; i < column.Length; i++)
        {
            var key = new Box<T>(column[i]);
            if (!numbers.TryGetValue(key, out var code))
            {
                numbers.Add(key, code = values.Count);
                values.Add(column[i]);
            }
            codeOfRow[i] = code;
        }
        return (codeOfRow, values.ToArray());
    }

    /// <summary>A value as a dictionary key, null included (a dictionary refuses a null key).</summary>
    private readonly record struct Box<T>(T Value);

    /// <summary>The column of a row member by its name (its element type is the member's), or null.</summary>
    public Array? Of(string member) => _byName.GetValueOrDefault(member);

    /// <summary>
    /// An empty table of <paramref name="length"/> rows of <typeparamref name="TRow"/> (a column per public member) and the
    /// writer that fills row after row from rollup rows (with their navigations set, texts kept once); more rows than
    /// <paramref name="length"/> throw. <paramref name="texts"/>, when given, is another table whose kept texts these share.
    /// </summary>
    public static (RollupColumns Columns, Action<TRow> Add) Create<TRow>(int length, RollupColumns? texts = null)
    {
        var properties = typeof(TRow).GetProperties().Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray();
        var byName = properties.ToDictionary(p => p.Name, p => Array.CreateInstance(p.PropertyType, length), StringComparer.Ordinal);
        var columns = new RollupColumns(length, byName);
        if (texts is not null)
        {
            foreach (var (text, kept) in texts.Texts)
            {
                columns.Texts[text] = kept;
            }
        }
        var write = Writer<TRow>(properties, byName, columns);
        var next = 0;
        return (columns, row => write(row, next++));
    }

    /// <summary><c>(row, i) => { Col1[i] = row.M1; Col2[i] = Keep(row.Text); ... }</c>, compiled once per table.</summary>
    private static Action<TRow, int> Writer<TRow>(PropertyInfo[] properties, Dictionary<string, Array> byName, RollupColumns columns)
    {
        var row = Expression.Parameter(typeof(TRow), "row");
        var index = Expression.Parameter(typeof(int), "i");
        var keep = typeof(RollupColumns).GetMethod(nameof(Keep))!;
        var writes = properties.Select(p =>
        {
            Expression value = Expression.Property(row, p);
            if (p.PropertyType == typeof(string))
            {
                // A missing text stays null; any other is the kept instance.
                value = Expression.Condition(Expression.Equal(value, Expression.Constant(null, typeof(string))),
                    Expression.Constant(null, typeof(string)), Expression.Call(Expression.Constant(columns), keep, value));
            }
            return (Expression)Expression.Assign(Expression.ArrayAccess(Expression.Constant(byName[p.Name]), index), value);
        });
        return Expression.Lambda<Action<TRow, int>>(Expression.Block(writes), row, index).Compile();
    }
}
