using System.Globalization;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// The rollups (DetainerCounts, DetainerTotals) against the table: random filters on the report's dimensions,
/// asked through the API (totalCount, detainerStats), after random corrections and retractions made through
/// the real correction writer, must give exactly the plain count and GROUP BY of the detainers themselves.
/// </summary>
public sealed class DetainerCountRollupTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    private static readonly string[] Outcomes = ["OPEN", "BOOKED_INTO_DETENTION", "DECLINED_BY_LEA", "LIFTED", "CASE_CLOSED", "TRANSFERRED"];
    private static readonly string[] Citizenships = ["Mexico", "Guatemala", "Honduras", "Poland"];
    private static readonly string[] Dimensions = ["STATE", "JURISDICTION", "FIELD_OFFICE", "WEEK", "OUTCOME", "DETAINER_TYPE", "CITIZENSHIP"];

    public async Task InitializeAsync()
    {
        await _app.ImportAsync("detainers.csv", SampleRows.Detainers);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 1_200, 17, new DateOnly(2017, 1, 28), 6);
        await _app.ImportAsync("generated.csv", writer.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Counts_and_stats_from_the_rollups_equal_a_plain_count_over_random_filters_corrections_and_retractions()
    {
        var random = new Random(20261129);
        var checkedFast = 0;
        for (var round = 0; round < 4; round++)
        {
            if (round > 0)
            {
                await CorrectAtRandomAsync(random, 40);
            }
            var rows = await LoadRowsAsync();
            for (var i = 0; i < 30; i++)
            {
                var (where, matches) = RandomFilter(random, rows);
                var includeRetracted = random.Next(4) == 0;
                var expected = rows.Where(r => (includeRetracted || !r.Retracted) && matches(r)).ToList();

                _app.Sql.Clear();
                var count = await _app.DataAsync("query($w: DetainerFilterInput, $r: Boolean) { detainers(where: $w, includeRetracted: $r, first: 1) { totalCount } }",
                    new { w = where, r = includeRetracted });
                Assert.Equal(expected.Count, count.GetProperty("detainers").GetProperty("totalCount").GetInt32());
                checkedFast += _app.Sql.Commands.Any(c => c.Contains("\"DetainerCounts\"", StringComparison.Ordinal) || c.Contains("\"DetainerTotals\"", StringComparison.Ordinal)) ? 1 : 0;

                var groupBy = Dimensions.Where(_ => random.Next(3) == 0).ToArray();
                var stats = await _app.DataAsync("""
                    query($w: DetainerFilterInput, $r: Boolean, $g: [DetainerStatsDimension!]!) {
                      detainerStats(where: $w, includeRetracted: $r, groupBy: $g) {
                        keys { state jurisdiction { id } fieldOffice week { start } outcome detainerType citizenship } count
                      }
                    }
                    """, new { w = where, r = includeRetracted, g = groupBy });
                var actual = stats.GetProperty("detainerStats").EnumerateArray()
                    .Select(g => KeyOf(g.GetProperty("keys"), groupBy) + " = " + g.GetProperty("count").GetInt32()).Order(StringComparer.Ordinal).ToList();
                // Without dimensions, one group holding every match (even none).
                var plain = groupBy.Length == 0 ? [KeyOf(expected.FirstOrDefault() ?? rows[0], groupBy) + " = " + expected.Count]
                    : expected.GroupBy(r => KeyOf(r, groupBy)).Select(g => g.Key + " = " + g.Count()).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(plain, actual);
            }
        }
        // The test is about the fast path: most of its filters must have been answered from a rollup.
        Assert.True(checkedFast > 80, $"only {checkedFast} of 120 counts came from a rollup");
    }

    [Fact]
    public async Task A_filter_the_rollups_cannot_answer_is_counted_from_the_table()
    {
        _app.Sql.Clear();
        var data = await _app.DataAsync("""
            { a: detainers(where: { issuedOn: { gte: "2017-02-15" } }) { totalCount }
              b: detainers(where: { charges: { some: { status: { eq: CONVICTION } } } }) { totalCount } }
            """);
        var rows = await LoadRowsAsync();
        Assert.Equal(rows.Count(r => !r.Retracted && r.IssuedOn >= new DateOnly(2017, 2, 15)), data.GetProperty("a").GetProperty("totalCount").GetInt32());
        Assert.True(data.GetProperty("b").GetProperty("totalCount").GetInt32() > 0);
        Assert.DoesNotContain(_app.Sql.Commands, c => c.Contains("\"DetainerCounts\"", StringComparison.Ordinal) || c.Contains("\"DetainerTotals\"", StringComparison.Ordinal));
    }

    private sealed record Row(long Id, string? State, int? JurisdictionId, string? FieldOffice, DateOnly? Week, string Outcome, string DetainerType,
        string? Citizenship, DateOnly? IssuedOn, bool Retracted);

    private Task<List<Row>> LoadRowsAsync() => _app.WithDbAsync(async db =>
        (await db.Detainers.AsNoTracking().Select(d => new
        {
            d.Id,
            State = d.Jurisdiction == null ? null : d.Jurisdiction.State,
            d.JurisdictionId,
            FieldOffice = d.Jurisdiction == null ? null : d.Jurisdiction.FieldOffice,
            d.WeekStart,
            d.Outcome,
            d.DetainerType,
            d.Citizenship,
            d.IssuedOn,
            d.Retracted,
        }).ToListAsync())
        .Select(d => new Row(d.Id, d.State, d.JurisdictionId, d.FieldOffice, d.WeekStart, Constant(d.Outcome.ToString()), d.DetainerType.ToString().ToUpperInvariant(),
            d.Citizenship, d.IssuedOn, d.Retracted))
        .ToList());

    /// <summary>BookedIntoDetention as the schema names it, BOOKED_INTO_DETENTION.</summary>
    private static string Constant(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    /// <summary>A random condition on one or two dimensions (sometimes or-ed), as the API takes it and as a predicate.</summary>
    private static (object Where, Func<Row, bool> Matches) RandomFilter(Random random, List<Row> rows)
    {
        (object, Func<Row, bool>) One()
        {
            var row = rows[random.Next(rows.Count)];
            switch (random.Next(8))
            {
                case 0:
                    return (new { jurisdiction = new { state = new { eq = row.State } } }, r => r.State == row.State);
                case 1:
                    return (new { jurisdiction = new { fieldOffice = new { eq = row.FieldOffice } } }, r => r.FieldOffice == row.FieldOffice);
                case 2:
                    var week = row.Week ?? new DateOnly(2017, 2, 4);
                    return random.Next(2) == 0
                        ? (new { week = new { start = new { gte = week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } } }, r => r.Week >= week)
                        : (new { week = new { start = new { lt = week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } } }, r => r.Week < week);
                case 3:
                    var outcomes = Outcomes.Where(_ => random.Next(2) == 0).ToArray();
                    return (new { outcome = new { @in = outcomes } }, r => outcomes.Contains(r.Outcome));
                case 4:
                    return (new { detainerType = new { eq = row.DetainerType } }, r => r.DetainerType == row.DetainerType);
                case 5:
                    var country = random.Next(5) == 0 ? null : Citizenships[random.Next(Citizenships.Length)];
                    return (new { citizenship = new { eq = country } }, r => r.Citizenship == country);
                case 6:
                    // Month boundaries: the rollups keep the issue date to the month.
                    var month = new DateOnly(2016, 11, 1).AddMonths(random.Next(6));
                    return random.Next(2) == 0
                        ? (new { issuedOn = new { gte = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } }, r => r.IssuedOn >= month)
                        : (new { issuedOn = new { lte = month.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } }, r => r.IssuedOn <= month.AddDays(-1));
                default:
                    return (new { outcome = new { neq = row.Outcome } }, r => r.Outcome != row.Outcome);
            }
        }
        var (first, a) = One();
        switch (random.Next(3))
        {
            case 0:
                return (first, a);
            case 1:
                var (second, b) = One();
                return (new { and = new[] { first, second } }, r => a(r) && b(r));
            default:
                var (other, c) = One();
                return (new { or = new[] { first, other } }, r => a(r) || c(r));
        }
    }

    private async Task CorrectAtRandomAsync(Random random, int corrections)
    {
        var rows = await LoadRowsAsync();
        var jurisdictions = rows.Where(r => r.JurisdictionId is not null).Select(r => r.JurisdictionId!.Value).Distinct().ToList();
        await using var scope = _app.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<CorrectionWriter>();
        var open = rows.Where(r => !r.Retracted).ToList();
        for (var i = 0; i < corrections; i++)
        {
            var row = open[random.Next(open.Count)];
            var request = (string? value) => new CorrectionRequest(value, "A property test's correction", "DetainerCountRollupTests", null);
            if (random.Next(5) == 0)
            {
                await writer.RetractDetainerAsync(row.Id, request(null), "tester", CancellationToken.None);
                open.Remove(row);
                continue;
            }
            var (field, value) = random.Next(5) switch
            {
                0 => (DetainerField.Outcome, Outcomes[random.Next(Outcomes.Length)]),
                1 => (DetainerField.IssuedOn, random.Next(6) == 0 ? null : new DateOnly(2016, 12, 1).AddDays(random.Next(120)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                2 => (DetainerField.Jurisdiction, random.Next(8) == 0 ? null : GlobalId.Encode("Jurisdiction", jurisdictions[random.Next(jurisdictions.Count)])),
                3 => (DetainerField.Citizenship, random.Next(6) == 0 ? null : Citizenships[random.Next(Citizenships.Length)]),
                _ => (DetainerField.OutcomeRecordedOn, new DateOnly(2017, 1, 28).AddDays(random.Next(50)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            };
            try
            {
                await writer.CorrectDetainerAsync(row.Id, field, null, request(value), "tester", CancellationToken.None);
            }
            catch (GraphQL.ExecutionError e) when (e.Message.Contains("must change it", StringComparison.Ordinal))
            {
                // The random value was the current one: nothing written, which the writer refuses.
            }
        }
    }

    private static string KeyOf(Row r, string[] groupBy) => string.Join("|", Dimensions.Select(d => !groupBy.Contains(d) ? "-" : d switch
    {
        "STATE" => r.State ?? "null",
        "JURISDICTION" => r.JurisdictionId is { } id ? GlobalId.Encode("Jurisdiction", id) : "null",
        "FIELD_OFFICE" => r.FieldOffice ?? "null",
        "WEEK" => r.Week?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "null",
        "OUTCOME" => r.Outcome,
        "DETAINER_TYPE" => r.DetainerType,
        _ => r.Citizenship ?? "null",
    }));

    private static string KeyOf(JsonElement keys, string[] groupBy)
    {
        string Text(string field) => keys.GetProperty(field) is { ValueKind: JsonValueKind.String } e ? e.GetString()! : "null";
        string Id(string field, string member) => keys.GetProperty(field) is { ValueKind: JsonValueKind.Object } o ? o.GetProperty(member).GetString()! : "null";
        return string.Join("|", Dimensions.Select(d => !groupBy.Contains(d) ? "-" : d switch
        {
            "STATE" => Text("state"),
            "JURISDICTION" => Id("jurisdiction", "id"),
            "FIELD_OFFICE" => Text("fieldOffice"),
            "WEEK" => Id("week", "start"),
            "OUTCOME" => Text("outcome"),
            "DETAINER_TYPE" => Text("detainerType"),
            _ => Text("citizenship"),
        }));
    }
}
