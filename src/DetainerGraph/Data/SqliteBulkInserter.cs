using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace DetainerGraph.Data;

/// <summary>
/// Inserts many rows of one entity type through a single prepared SQLite statement, inside the context's
/// current transaction. Tables, columns and value conversions come from the EF Core model, so the rows
/// are exactly what <c>SaveChanges</c> would write, at a fraction of its per-row cost. Keys are set by the
/// caller, except a key the database generates (an integer primary key, <c>AUTOINCREMENT</c>): left at its default,
/// SQLite assigns it as it does for <c>SaveChanges</c>, and it is written back into the entity.
/// </summary>
/// <remarks>
/// The statement is driven through SQLitePCL directly (bind, step, reset) on the connection's handle rather
/// than through <see cref="SqliteCommand"/>: per row, the command's reader, statement enumeration and
/// parameter binding cost about as much as SQLite's own insert. Values are bound as Microsoft.Data.Sqlite
/// binds them (integers, reals, text (as UTF-8), <see cref="DateOnly"/> as <c>yyyy-MM-dd</c>); a type it would
/// bind otherwise is refused rather than guessed.
/// </remarks>
internal sealed class SqliteBulkInserter<T> : IDisposable
    where T : class
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly (IClrPropertyGetter Getter, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter, Dictionary<object, object?>? Converted)[] _columns;
    // The key the database generates (bound as NULL when the entity's is the default), and its index in _columns.
    private readonly System.Reflection.PropertyInfo? _generatedKey;
    private readonly int _generatedKeyColumn = -1;
    private byte[] _utf8 = new byte[512];

    /// <param name="into">
    /// Another table with the same columns to insert into (e.g. a temporary copy); by default the entity's own table
    /// (or the view it is read through, which the SQLite migrations create as a table).
    /// </param>
    public SqliteBulkInserter(DetainerDbContext db, string? into = null)
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Create(entityType, StoreObjectType.Table) ?? StoreObjectIdentifier.Create(entityType, StoreObjectType.View)
            ?? throw new InvalidOperationException($"{typeof(T).Name} is mapped to no table or view.");
        var properties = entityType.GetProperties().Where(p => !p.IsShadowProperty()).ToArray();
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Bulk inserts run inside the import's transaction.");
        }
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var columnNames = properties.Select(p => "\"" + p.GetColumnName(table) + "\"");
        var parameterNames = properties.Select((_, i) => "?" + (i + 1).ToString(CultureInfo.InvariantCulture));
        var sql = $"INSERT INTO \"{into ?? table.Name}\" ({string.Join(", ", columnNames)}) VALUES ({string.Join(", ", parameterNames)})";
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        if (entityType.FindPrimaryKey()?.Properties is [{ ValueGenerated: ValueGenerated.OnAdd, PropertyInfo: { } key } keyProperty]
            && (key.PropertyType == typeof(int) || key.PropertyType == typeof(long)))
        {
            _generatedKey = key;
            _generatedKeyColumn = Array.IndexOf(properties, keyProperty);
        }
        // An enum's few values are converted (to their names) once each, not once per row.
        _columns = [.. properties.Select(p => (p.GetGetter(), p.GetTypeMapping().Converter,
            p.GetTypeMapping().Converter is not null && (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType).IsEnum ? new Dictionary<object, object?>() : null))];
    }

    public void Insert(T entity)
    {
        var generateKey = false;
        for (var i = 0; i < _columns.Length; i++)
        {
            var (getter, converter, converted) = _columns[i];
            var value = getter.GetClrValueUsingContainingEntity(entity);
            if (i == _generatedKeyColumn && value is 0 or 0L)
            {
                generateKey = true;
                value = null;
            }
            if (value is not null && converter is not null)
            {
                if (converted is null)
                {
                    value = converter.ConvertToProvider(value);
                }
                else if (converted.TryGetValue(value, out var stored))
                {
                    value = stored;
                }
                else
                {
                    var enumValue = value;
                    value = converter.ConvertToProvider(enumValue);
                    converted[enumValue] = value;
                }
            }
            Check(Bind(i + 1, value));
        }
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }
            if (generateKey)
            {
                var key = raw.sqlite3_last_insert_rowid(_db);
                _generatedKey!.SetValue(entity, _generatedKey.PropertyType == typeof(int) ? checked((int)key) : (object)key);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private int Bind(int index, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(_statement, index),
        string s => BindText(index, s),
        long l => raw.sqlite3_bind_int64(_statement, index, l),
        int n => raw.sqlite3_bind_int64(_statement, index, n),
        short n => raw.sqlite3_bind_int64(_statement, index, n),
        byte n => raw.sqlite3_bind_int64(_statement, index, n),
        bool b => raw.sqlite3_bind_int64(_statement, index, b ? 1 : 0),
        double d => raw.sqlite3_bind_double(_statement, index, d),
        DateOnly d => BindDate(index, d),
        DateTimeOffset d => BindText(index, d.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"{typeof(T).Name}: no bulk binding for a {value.GetType().Name} value."),
    };

    /// <summary>
    /// Text as UTF-8, encoded here into a reused buffer (the store's encoding: SQLite would otherwise convert each
    /// UTF-16 value itself, in a fresh allocation). The empty string stays UTF-16: an empty span has no address,
    /// and SQLite binds a null pointer as NULL.
    /// </summary>
    private int BindText(int index, string s)
    {
        if (s.Length == 0)
        {
            return raw.sqlite3_bind_text16(_statement, index, s);
        }
        var most = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (_utf8.Length < most)
        {
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        }
        var length = Encoding.UTF8.GetBytes(s, _utf8);
        return raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length));
    }

    /// <summary>A date as Microsoft.Data.Sqlite writes it (<c>yyyy-MM-dd</c>), formatted straight to UTF-8: no string per value.</summary>
    private int BindDate(int index, DateOnly date)
    {
        Span<byte> text = stackalloc byte[16];
        if (!date.TryFormat(text, out var length, "yyyy\\-MM\\-dd", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{date} does not format as a date.");
        }
        return raw.sqlite3_bind_text(_statement, index, text[..length]);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement?.Dispose();
}
