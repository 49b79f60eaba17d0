using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

// EF Core's SQLite type mappings are public types in an "Internal" namespace (analyzer EF1001): subclassing the
// provider's own DateOnly mapping keeps its SQL literals, parameters and store type exactly as they were.
#pragma warning disable EF1001

/// <summary>
/// Reads SQLite's <c>DateOnly</c> columns without the general date parser. SQLite stores a <c>DateOnly</c> as the text
/// <c>yyyy-MM-dd</c>; Microsoft.Data.Sqlite turns it back with <c>DateOnly.Parse(text, InvariantCulture)</c>, which
/// tokenizes every value (a page of 50 detainers parsed 100 dates: its dates and its cursors' keys, a few percent of
/// a list request's CPU). <see cref="Read"/> takes the ten characters of that exact form directly and hands every
/// other value (other text, a Julian day number, an impossible date) to the provider's own reader, so every date
/// read is the value, or the error, it was before. Writing, SQL literals and parameters are the provider's own.
/// </summary>
public static class SqliteDateReading
{
    private static readonly MethodInfo ReadMethod = typeof(SqliteDateReading).GetMethod(nameof(Read), [typeof(DbDataReader), typeof(int)])!;

    /// <summary>The date in column <paramref name="ordinal"/> of the current row (not null: EF Core checks that first).</summary>
    public static DateOnly Read(DbDataReader reader, int ordinal)
    {
        if (reader.GetFieldType(ordinal) == typeof(string) && TryParseIsoDate(reader.GetString(ordinal), out var date))
        {
            return date;
        }
        return reader.GetFieldValue<DateOnly>(ordinal);
    }

    /// <summary>Exactly <c>yyyy-MM-dd</c> (ASCII digits, a real calendar date), as SQLite's text holds a <c>DateOnly</c>.</summary>
    public static bool TryParseIsoDate(string text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }
            value = (value * 10) + digit;
        }
        return true;
    }

    /// <summary>The SQLite provider's <c>DateOnly</c> mapping, reading through <see cref="Read"/>.</summary>
    public sealed class DateOnlyMapping : SqliteDateOnlyTypeMapping
    {
        public DateOnlyMapping(string storeType, System.Data.DbType? dbType)
            : base(storeType, dbType)
        {
        }

        private DateOnlyMapping(RelationalTypeMappingParameters parameters)
            : base(parameters)
        {
        }

        protected override RelationalTypeMapping Clone(RelationalTypeMappingParameters parameters) => new DateOnlyMapping(parameters);

        /// <summary><c>reader.GetFieldValue&lt;DateOnly&gt;(i)</c> becomes <c>SqliteDateReading.Read(reader, i)</c>.</summary>
        public override Expression CustomizeDataReaderExpression(Expression expression) =>
            expression is MethodCallExpression { Object: { } reader, Arguments: [var ordinal] } call
                && call.Type == typeof(DateOnly) && typeof(DbDataReader).IsAssignableFrom(reader.Type)
                ? Expression.Call(ReadMethod, Expression.Convert(reader, typeof(DbDataReader)), ordinal)
                : base.CustomizeDataReaderExpression(expression);
    }

    /// <summary>The SQLite provider's type mappings, with <see cref="DateOnlyMapping"/> for its plain <c>DateOnly</c> one.</summary>
    public sealed class TypeMappingSource(TypeMappingSourceDependencies dependencies, RelationalTypeMappingSourceDependencies relationalDependencies)
        : SqliteTypeMappingSource(dependencies, relationalDependencies)
    {
        protected override RelationalTypeMapping? FindMapping(in RelationalTypeMappingInfo mappingInfo)
        {
            var mapping = base.FindMapping(mappingInfo);
            return mapping is SqliteDateOnlyTypeMapping { Converter: null } dates and not DateOnlyMapping
                ? new DateOnlyMapping(dates.StoreType, dates.DbType)
                : mapping;
        }
    }
}
#pragma warning restore EF1001
