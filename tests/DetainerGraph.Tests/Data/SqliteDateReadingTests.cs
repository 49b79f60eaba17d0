using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Tests.Data;

/// <summary>SQLite's dates are read by <see cref="SqliteDateReading"/> and come out exactly as the provider's own reader gives them.</summary>
public sealed class SqliteDateReadingTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_server_reads_dates_through_the_fast_mapping_and_writes_the_same_sql_literals()
    {
        var (mapping, literal) = await _app.WithDbAsync(db =>
        {
            var found = db.GetService<IRelationalTypeMappingSource>().FindMapping(typeof(DateOnly))!;
            return Task.FromResult((found, found.GenerateSqlLiteral(new DateOnly(2015, 6, 17))));
        });

        Assert.IsType<SqliteDateReading.DateOnlyMapping>(mapping);
        Assert.Equal("TEXT", mapping.StoreType);
        Assert.Equal("'2015-06-17'", literal);
    }

    [Theory]
    [InlineData("'2015-06-17'")]
    [InlineData("'0001-01-01'")]
    [InlineData("'9999-12-31'")]
    [InlineData("'2024-02-29'")]
    [InlineData("' 2015-06-17'")] // not the stored form: the provider's parser reads it
    [InlineData("'2015-6-7'")]
    [InlineData("2457000.5")] // a Julian day number, which the provider also reads
    [InlineData("2457000")]
    public async Task Each_value_reads_as_the_provider_reads_it(string sqlValue)
    {
        var expected = ProviderRead(sqlValue);

        var read = await _app.WithDbAsync(db => db.Database.SqlQueryRaw<DateOnly>(Select(sqlValue)).SingleAsync());

        Assert.Equal(expected, read);
    }

    [Theory]
    [InlineData("'2015-02-30'")]
    [InlineData("'2015-13-01'")]
    [InlineData("'0000-01-01'")]
    [InlineData("'2015-06-1x'")]
    public async Task A_value_that_is_no_date_fails_as_the_provider_fails(string sqlValue)
    {
        Assert.Throws<FormatException>(() => ProviderRead(sqlValue));

        await Assert.ThrowsAsync<FormatException>(() =>
            _app.WithDbAsync(db => db.Database.SqlQueryRaw<DateOnly>(Select(sqlValue)).SingleAsync()));
    }

    [Fact]
    public async Task A_missing_date_is_null()
    {
        var read = await _app.WithDbAsync(db => db.Database.SqlQueryRaw<DateOnly?>("SELECT NULL AS \"Value\"").SingleAsync());

        Assert.Null(read);
    }

    [Fact]
    public void The_exact_form_parses_to_the_date_the_general_parser_gives_for_every_day_of_four_centuries()
    {
        for (var day = new DateOnly(1800, 1, 1); day <= new DateOnly(2200, 12, 31); day = day.AddDays(1))
        {
            var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.True(SqliteDateReading.TryParseIsoDate(text, out var parsed), text);
            Assert.Equal(DateOnly.Parse(text, CultureInfo.InvariantCulture), parsed);
        }
    }

    [Theory]
    [InlineData("2015-06-17T00:00")]
    [InlineData("2015/06/17")]
    [InlineData("20150617")]
    [InlineData("2015-06-31")]
    [InlineData("2015-00-10")]
    [InlineData("2015-06-00")]
    [InlineData("+015-06-17")]
    [InlineData("２０１５-06-17")]
    [InlineData("")]
    public void Anything_else_is_left_to_the_provider(string text) =>
        Assert.False(SqliteDateReading.TryParseIsoDate(text, out _));

    /// <summary>The statement that selects the test's constant value (the test's own literal, never outside input).</summary>
    private static string Select(string sqlValue) => "SELECT " + sqlValue + " AS \"Value\"";

    /// <summary>What Microsoft.Data.Sqlite itself reads for the value, without EF Core's mapping.</summary>
    private static DateOnly ProviderRead(string sqlValue)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {sqlValue}";
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.GetFieldValue<DateOnly>(0);
    }
}
