using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Query;

namespace DetainerGraph.Detainers;

/// <summary>
/// Groups summed in memory (<see cref="ResidentSnapshot.TryGroups"/>) behind the same <see cref="IQueryable{T}"/> the SQL groups
/// come as, so that the callers page, count and stream them unchanged: EF Core's <c>ToListAsync</c>, <c>CountAsync</c> and
/// <c>AsAsyncEnumerable</c> accept it (it is an <see cref="IAsyncEnumerable{T}"/> and its provider an
/// <see cref="IAsyncQueryProvider"/>), and <c>Skip</c>/<c>Take</c> run as LINQ to Objects over the ordered list.
/// </summary>
internal sealed class ResidentQueryable<T>(IQueryable<T> rows) : IOrderedQueryable<T>, IAsyncEnumerable<T>
{
    public Type ElementType => rows.ElementType;
    public Expression Expression => rows.Expression;
    public IQueryProvider Provider { get; } = new ResidentQueryProvider(rows.Provider);

    public IEnumerator<T> GetEnumerator() => rows.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
        await Task.CompletedTask;
    }
}

internal sealed class ResidentQueryProvider(IQueryProvider rows) : IAsyncQueryProvider
{
    public IQueryable CreateQuery(Expression expression) =>
        (IQueryable)Activator.CreateInstance(typeof(ResidentQueryable<>).MakeGenericType(expression.Type.GetGenericArguments()[0]), rows.CreateQuery(expression))!;

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new ResidentQueryable<TElement>(rows.CreateQuery<TElement>(expression));

    public object? Execute(Expression expression) => rows.Execute(expression);

    public TResult Execute<TResult>(Expression expression) => rows.Execute<TResult>(expression);

    /// <summary>A count or a first row, run now (it is in memory) and handed back as the finished task EF Core's async operators await.</summary>
    public TResult ExecuteAsync<TResult>(Expression expression, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var resultType = typeof(TResult).GetGenericArguments()[0];
        var value = ExecuteMethod.MakeGenericMethod(resultType).Invoke(rows, [expression]);
        return (TResult)FromResultMethod.MakeGenericMethod(resultType).Invoke(null, [value])!;
    }

    private static readonly MethodInfo ExecuteMethod =
        typeof(IQueryProvider).GetMethods().Single(m => m.Name == nameof(IQueryProvider.Execute) && m.IsGenericMethod);

    private static readonly MethodInfo FromResultMethod = typeof(Task).GetMethod(nameof(Task.FromResult))!;
}

/// <summary>A read-only list whose items are made when read (each time: callers read a page once).</summary>
internal sealed class LazyList<T>(int count, Func<int, T> make) : IList<T>, IReadOnlyList<T>
{
    public int Count => count;
    public bool IsReadOnly => true;

    public T this[int index]
    {
        get => (uint)index < (uint)count ? make(index) : throw new ArgumentOutOfRangeException(nameof(index));
        set => throw new NotSupportedException();
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return make(i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(T item) => throw new NotSupportedException();
    public bool Contains(T item) => throw new NotSupportedException();

    public void CopyTo(T[] array, int arrayIndex)
    {
        for (var i = 0; i < count; i++)
        {
            array[arrayIndex + i] = make(i);
        }
    }

    public void Add(T item) => throw new NotSupportedException();
    public void Clear() => throw new NotSupportedException();
    public void Insert(int index, T item) => throw new NotSupportedException();
    public bool Remove(T item) => throw new NotSupportedException();
    public void RemoveAt(int index) => throw new NotSupportedException();
}
