using System.Text.RegularExpressions;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>The steps of SQLite's plan (<c>EXPLAIN QUERY PLAN</c>), for tests that pin which index a statement reads.</summary>
internal static partial class QueryPlans
{
    /// <summary>The plan of a query, with its parameters bound, as the connection would run it.</summary>
    public static async Task<List<string>> OfAsync<T>(DetainerDbContext db, IQueryable<T> query)
    {
        await db.Database.OpenConnectionAsync();
        // A statement that reads first: a connection notices a changed schema (and takes the statistics read with it)
        // when a statement runs, which EXPLAIN alone does not do; a query run for real would plan after that check.
        await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"Detainers\" LIMIT 1");
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        return await StepsAsync(command);
    }

    /// <summary>
    /// The plan of a statement EF Core logged (its text after the log line, its parameters named there without their values):
    /// a page's size (an <c>Int32</c>) is bound to 51, every other parameter to <paramref name="other"/>.
    /// </summary>
    public static async Task<List<string>> OfLoggedAsync(DetainerDbContext db, string logged, object other)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + logged[(logged.IndexOf('\n', StringComparison.Ordinal) + 1)..];
        foreach (Match parameter in LoggedParameter().Matches(logged))
        {
            var bound = command.CreateParameter();
            bound.ParameterName = parameter.Groups[1].Value;
            bound.Value = parameter.Groups[2].Value == "Int32" ? 51 : other;
            command.Parameters.Add(bound);
        }
        return await StepsAsync(command);
    }

    private static async Task<List<string>> StepsAsync(System.Data.Common.DbCommand command)
    {
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }
        return steps;
    }

    [GeneratedRegex(@"(@\w+)='\?'(?: \(DbType = (\w+)\))?")]
    private static partial Regex LoggedParameter();
}
