using System.Globalization;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
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
/// The store holds published and synthetic records side by side, so the default (published-only) answers,
/// <c>includeSynthetic: true</c> and <c>sourceKind</c> conditions are all compared; the rollups keep
/// <c>IsSynthetic</c> as a dimension so that the default path is served by them.
/// </summary>
public sealed class DetainerCountRollupTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    internal static readonly string[] Outcomes = ["OPEN", "BOOKED_INTO_DETENTION", "DECLINED_BY_LEA", "LIFTED", "CASE_CLOSED", "TRANSFERRED"];
    internal static readonly string[] Citizenships = ["Mexico", "Guatemala", "Honduras", "Poland"];
    internal static readonly string[] Dimensions =
    [
        "STATE", "JURISDICTION", "FIELD_OFFICE", "WEEK", "OUTCOME", "DETAINER_TYPE", "SOURCE_KIND", "ISSUED_YEAR", "ISSUED_QUARTER", "ISSUED_MONTH",
        "OUTCOME_MONTH", "CITIZENSHIP",
    ];

    public Task InitializeAsync() => FillAsync(_app);

    /// <summary>The fixture's store: the sample rows, 1,200 generated (synthetic) detainers and 900 more as a published file.</summary>
    internal static async Task FillAsync(TestApp app)
    {
        await app.ImportAsync("detainers.csv", SampleRows.Detainers);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 1_200, 17, new DateOnly(2017, 1, 28), 6);
        await app.ImportAsync("generated.csv", writer.ToString());
        // Published records in number too: generated rows as a user's own file would hold them (AsPublished).
        using var published = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(published, 900, 23, new DateOnly(2017, 1, 28), 6);
        await app.ImportAsync("published.csv", AsPublished(published.ToString()));
        var (synthetic, all) = await app.WithDbAsync(async db => (await db.Detainers.CountAsync(d => d.IsSynthetic), await db.Detainers.CountAsync()));
        Assert.True(synthetic >= 1_000 && all - synthetic >= 800, $"{synthetic} synthetic of {all}: the fixture needs both kinds in number");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Generated rows as a user's own published file would hold them: without the synthetic_seed column, and with keys of
    /// their own (the import refuses the generator's syn-SEED-N keys without their seed).
    /// </summary>
    internal static string AsPublished(string generated) =>
        string.Join('\n', generated.Split('\n').Where(l => l.Length > 0).Select(l => l.TrimEnd('\r')[..l.TrimEnd('\r').LastIndexOf(',')]))
            .Replace("syn-", "own-", StringComparison.Ordinal) + "\n";

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Counts_and_stats_from_the_rollups_equal_a_plain_count_over_random_filters_corrections_and_retractions()
    {
        var random = new Random(20261129);
        var checkedFast = 0;
        var statsFrom = new HashSet<string>();
        for (var round = 0; round < 4; round++)
        {
            if (round > 0)
            {
                await CorrectAtRandomAsync(random, 40);
            }
            if (round == 2)
            {
                // No writer moves a record between published and synthetic, but the rollups must follow a direct
                // UPDATE of IsSynthetic both ways (the SQLite update trigger lists the column).
                await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                    "UPDATE \"Detainers\" SET \"IsSynthetic\" = 1 - \"IsSynthetic\" WHERE \"Id\" % 23 = 0"));
            }
            var rows = await LoadRowsAsync();
            for (var i = 0; i < 30; i++)
            {
                var (where, matches, filtered) = RandomFilter(random, rows);
                var includeRetracted = random.Next(4) == 0;
                // Half the questions take the default (published only); the rest include the synthetic records or
                // name a source kind, which then decides alone.
                var mode = random.Next(4);
                var includeSynthetic = mode == 1;
                Func<Row, bool> kind = r => !r.IsSynthetic;
                if (mode == 2)
                {
                    var synthetic = random.Next(2) == 0;
                    where = new { and = new[] { where, new { sourceKind = new { eq = synthetic ? "SYNTHETIC" : "FILE" } } } };
                    kind = r => r.IsSynthetic == synthetic;
                }
                else if (mode == 1)
                {
                    kind = _ => true;
                }
                var matching = rows.Where(r => (includeRetracted || !r.Retracted) && matches(r)).ToList();
                var expected = matching.Where(kind).ToList();
                var excluded = mode is 0 or 3 ? matching.Count(r => r.IsSynthetic) : (int?)null;

                _app.Sql.Clear();
                var count = await _app.DataAsync("""
                    query($w: DetainerFilterInput, $r: Boolean, $s: Boolean) {
                      detainers(where: $w, includeRetracted: $r, includeSynthetic: $s, first: 1) { totalCount syntheticExcluded }
                    }
                    """, new { w = where, r = includeRetracted, s = includeSynthetic });
                Assert.Equal(expected.Count, count.GetProperty("detainers").GetProperty("totalCount").GetInt32());
                var left = count.GetProperty("detainers").GetProperty("syntheticExcluded");
                Assert.Equal(excluded, left.ValueKind == JsonValueKind.Null ? null : left.GetInt32());
                checkedFast += _app.Sql.Commands.Any(c => Rollups.Any(r => c.Contains($"\"{r.Table}\"", StringComparison.Ordinal))) ? 1 : 0;
                // The smallest rollup whose columns hold every dimension the filter names, and no other.
                AssertReadFrom(SmallestCovering(filtered), where);

                // Half the groupings are drawn from one rollup's own dimensions, so that every rollup answers stats, not
                // only counts (a third of all dimensions at random seldom fits a coarse one).
                var groupBy = random.Next(2) == 0
                    ? Dimensions.Where(_ => random.Next(3) == 0).ToArray()
                    : Rollups[random.Next(Rollups.Length - 1)].Holds.Where(_ => random.Next(2) == 0).ToArray();
                statsFrom.Add(SmallestCovering([.. filtered, .. groupBy]));
                var stats = await _app.DataAsync("""
                    query($w: DetainerFilterInput, $r: Boolean, $s: Boolean, $g: [DetainerStatsDimension!]!) {
                      detainerStats(where: $w, includeRetracted: $r, includeSynthetic: $s, groupBy: $g) {
                        keys { state jurisdiction { id } fieldOffice week { start } outcome detainerType sourceKind
                               issuedYear { label } issuedQuarter { label } issuedMonth { label } outcomeMonth { label } citizenship }
                        outcomes { outcome count } syntheticExcluded count
                      }
                      detainerGroups(where: $w, includeRetracted: $r, includeSynthetic: $s, groupBy: $g, first: 1) { totalCount syntheticExcluded }
                    }
                    """, new { w = where, r = includeRetracted, s = includeSynthetic, g = groupBy });
                // The groups from the smallest rollup holding the filter's and the grouping's dimensions; a count of the
                // synthetic records left out (a count of detainers) may read the smallest holding the filter's alone.
                AssertReadFrom(SmallestCovering([.. filtered, .. groupBy]), new { where, groupBy }, SmallestCovering(filtered));
                // Each group as "keys | outcome counts | synthetic left out = count", against the same from the rows.
                var actual = stats.GetProperty("detainerStats").EnumerateArray()
                    .Select(g => KeyOf(g.GetProperty("keys"), groupBy) + " | " + string.Join(",", g.GetProperty("outcomes").EnumerateArray()
                            .Select(o => o.GetProperty("outcome").GetString() + ":" + o.GetProperty("count").GetInt32()).Order(StringComparer.Ordinal))
                        + " | " + (g.GetProperty("syntheticExcluded") is { ValueKind: JsonValueKind.Number } x ? x.GetInt32().ToString(CultureInfo.InvariantCulture) : "null")
                        + " = " + g.GetProperty("count").GetInt32())
                    .Order(StringComparer.Ordinal).ToList();
                string Group(string key, IEnumerable<Row> members) => key + " | " + string.Join(",", members.GroupBy(r => r.Outcome)
                        .Select(o => o.Key + ":" + o.Count()).Order(StringComparer.Ordinal))
                    + " | " + (excluded is null ? "null" : matching.Count(r => r.IsSynthetic && KeyOf(r, groupBy) == key).ToString(CultureInfo.InvariantCulture))
                    + " = " + members.Count();
                // Without dimensions, one group holding every match (even none).
                var plain = groupBy.Length == 0 ? [Group(KeyOf(expected.FirstOrDefault() ?? rows[0], groupBy), expected)]
                    : expected.GroupBy(r => KeyOf(r, groupBy)).Select(g => Group(g.Key, g)).Order(StringComparer.Ordinal).ToList();
                var groups = stats.GetProperty("detainerGroups");
                Assert.Equal(groupBy.Length == 0 ? Math.Min(1, expected.Count) : expected.Select(r => KeyOf(r, groupBy)).Distinct().Count(),
                    groups.GetProperty("totalCount").GetInt32());
                var groupsLeft = groups.GetProperty("syntheticExcluded");
                Assert.Equal(excluded, groupsLeft.ValueKind == JsonValueKind.Null ? null : groupsLeft.GetInt32());
                if (plain.Count <= DetainerStats.MaxGroups)
                {
                    Assert.Equal(plain, actual);
                }
                else
                {
                    // More groups than one answer holds: the largest ones, each exact.
                    static int CountOf(string group) => int.Parse(group[(group.LastIndexOf(" = ", StringComparison.Ordinal) + 3)..], CultureInfo.InvariantCulture);
                    Assert.Equal(DetainerStats.MaxGroups, actual.Count);
                    Assert.Subset(plain.ToHashSet(), actual.ToHashSet());
                    Assert.True(actual.Min(CountOf) >= plain.Except(actual).Max(CountOf), "a smaller group was kept over a larger one");
                }
            }
        }
        // The test is about the fast path: most of its filters must have been answered from a rollup.
        // Every filter here names only the report's dimensions: each count must have come from a rollup.
        Assert.True(checkedFast == 120, $"only {checkedFast} of 120 counts came from a rollup");
        // And every rollup answered some of the stats.
        Assert.Equal(Rollups.Select(r => r.Table).Order(StringComparer.Ordinal), statsFrom.Order(StringComparer.Ordinal));
    }

    /// <summary>The rollups, smallest first, with the dimensions (as groupBy names) that their columns hold.</summary>
    private static readonly (string Table, string[] Holds)[] Rollups =
    [
        ("DetainerTotals", ["OUTCOME", "DETAINER_TYPE", "SOURCE_KIND", "ISSUED_YEAR", "ISSUED_QUARTER", "ISSUED_MONTH", "OUTCOME_MONTH"]),
        ("DetainerCitizenshipWeekCounts", ["CITIZENSHIP", "WEEK", "OUTCOME", "DETAINER_TYPE", "SOURCE_KIND"]),
        ("DetainerStateWeekCounts", ["STATE", "WEEK", "OUTCOME", "SOURCE_KIND"]),
        ("DetainerRegionMonthCounts", ["STATE", "FIELD_OFFICE", "ISSUED_YEAR", "ISSUED_QUARTER", "ISSUED_MONTH", "OUTCOME", "DETAINER_TYPE", "SOURCE_KIND"]),
        ("DetainerRegionWeekCounts", ["STATE", "FIELD_OFFICE", "WEEK", "OUTCOME", "DETAINER_TYPE", "SOURCE_KIND"]),
        ("DetainerCounts", Dimensions),
    ];

    /// <summary>The table of the smallest rollup holding all of <paramref name="dimensions"/>.</summary>
    private static string SmallestCovering(IEnumerable<string> dimensions) => Rollups.First(r => dimensions.All(r.Holds.Contains)).Table;

    /// <summary>The statements since the last clear read <paramref name="table"/> and no other rollup.</summary>
    private void AssertReadFrom(string table, object question, string? alsoAllowed = null)
    {
        var read = Rollups.Select(r => r.Table).Where(t => _app.Sql.Commands.Any(c => c.Contains($"\"{t}\"", StringComparison.Ordinal))).ToList();
        Assert.True(read.Contains(table) && read.All(t => t == table || t == alsoAllowed),
            $"{JsonSerializer.Serialize(question)} read [{string.Join(", ", read)}], expected {table}");
        _app.Sql.Clear();
    }

    [Fact]
    public async Task After_bulk_imports_the_rollup_rows_are_exactly_a_group_by_of_the_table_and_the_insert_trigger_is_back_on()
    {
        // The three imports of the fixture took the bulk path: the insert trigger deferred, one GROUP BY per import.
        await AssertExactAsync();
        Assert.Empty(await RowsOfAsync("SELECT * FROM \"DetainerRollupsDeferred\""));
        Assert.NotEmpty(await RowsOfAsync("SELECT * FROM \"DetainerRegionWeekCounts\""));
        Assert.NotEmpty(await RowsOfAsync("SELECT * FROM \"DetainerStateWeekCounts\""));

        // A jurisdiction moved to another field office and state: the region rollups follow (a trigger rebuilds them).
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"Jurisdictions\" SET \"FieldOffice\" = 'Test Office', \"State\" = 'ZZ' WHERE \"Id\" = (SELECT MIN(\"JurisdictionId\") FROM \"Detainers\")"));
        await AssertExactAsync();

        // A detainer written outside the bulk path (EF) is counted by the trigger again.
        await _app.WithDbAsync(async db =>
        {
            var template = await db.Detainers.AsNoTracking().FirstAsync(d => d.JurisdictionId != null);
            db.Detainers.Add(new Detainer
            {
                SourceId = template.SourceId,
                SourceLine = 1_000_000,
                JurisdictionId = template.JurisdictionId,
                WeekStart = template.WeekStart,
                Outcome = DetainerOutcome.Lifted,
                DetainerType = template.DetainerType,
                IssuedOn = new DateOnly(2017, 2, 9),
                Citizenship = "Poland",
                IsSynthetic = template.IsSynthetic,
            });
            return await db.SaveChangesAsync();
        });
        await AssertExactAsync();
    }

    private const string AllKinds = "\"Outcome\", \"DetainerType\", \"Retracted\", \"IsSynthetic\"";

    /// <summary>The coarse rollups: table, their key as a GROUP BY of the detainers with their jurisdictions, their key columns, the kinds.</summary>
    private static readonly (string Table, string Key, string Columns, string Kinds)[] CoarseRollups =
    [
        ("DetainerRegionWeekCounts", "j.\"State\", d.\"WeekStart\", j.\"FieldOffice\"", "\"State\", \"WeekStart\", \"FieldOffice\"", AllKinds),
        ("DetainerRegionMonthCounts", "j.\"State\", substr(d.\"IssuedOn\", 1, 8) || '01', j.\"FieldOffice\"", "\"State\", \"IssuedMonth\", \"FieldOffice\"", AllKinds),
        ("DetainerCitizenshipWeekCounts", "d.\"Citizenship\", d.\"WeekStart\"", "\"Citizenship\", \"WeekStart\"", AllKinds),
        ("DetainerStateWeekCounts", "j.\"State\", d.\"WeekStart\"", "\"State\", \"WeekStart\"", "\"Outcome\", \"Retracted\", \"IsSynthetic\""),
    ];

    /// <summary>Each coarse rollup's rows in row id order (key columns, kinds, count).</summary>
    private async Task<List<List<string>>> CoarseInRowOrderAsync()
    {
        var tables = new List<List<string>>();
        foreach (var (table, _, columns, kinds) in CoarseRollups)
        {
            tables.Add(await RowsInOrderAsync($"SELECT {columns}, {kinds}, \"Count\" FROM \"{table}\" ORDER BY rowid"));
        }
        return tables;
    }

    /// <summary>
    /// After an import of source <paramref name="sourceId"/>: each coarse rollup's rows in row id order are the rows it had
    /// before, each plus the new source's count under its key, then the new source's keys it lacked, in the order of their
    /// GROUP BY (the rows and row ids a merge by UPDATE, then INSERT of the GROUP BY of the new rows gives). And the new
    /// source's DetainerTotals rows, in row id order, are the GROUP BY of its rows in that GROUP BY's order.
    /// </summary>
    private async Task AssertMergedInOrderAsync(List<List<string>> before, int sourceId)
    {
        static string KeyOf(string row) => row[..row.LastIndexOf('|')];
        static long CountOf(string row) => long.Parse(row[(row.LastIndexOf('|') + 1)..], CultureInfo.InvariantCulture);
        var after = await CoarseInRowOrderAsync();
        for (var i = 0; i < CoarseRollups.Length; i++)
        {
            var (_, key, _, kinds) = CoarseRollups[i];
            var added = await RowsInOrderAsync($"""
                SELECT {key}, {kinds}, COUNT(*) FROM "Detainers" d LEFT JOIN "Jurisdictions" j ON j."Id" = d."JurisdictionId"
                WHERE d."SourceId" = {sourceId} GROUP BY {key}, {kinds} ORDER BY {key}, {kinds}
                """);
            var addedByKey = added.ToDictionary(KeyOf, CountOf);
            var expected = before[i].Select(r => addedByKey.TryGetValue(KeyOf(r), out var n)
                ? $"{KeyOf(r)}|{(CountOf(r) + n).ToString(CultureInfo.InvariantCulture)}"
                : r).ToList();
            var known = before[i].Select(KeyOf).ToHashSet();
            expected.AddRange(added.Where(r => !known.Contains(KeyOf(r))));
            Assert.Equal(expected, after[i]);
        }
        Assert.Equal(
            await RowsInOrderAsync($"""
                SELECT "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic", COUNT(*)
                FROM "Detainers" WHERE "SourceId" = {sourceId}
                GROUP BY "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
                ORDER BY "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
                """),
            await RowsInOrderAsync($"""
                SELECT "Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count"
                FROM "DetainerTotals" WHERE "SourceId" = {sourceId} ORDER BY rowid
                """));
    }

    /// <summary>Every rollup table holds exactly the plain GROUP BY of the detainers (with their jurisdictions for the coarse ones).</summary>
    private async Task AssertExactAsync()
    {
        const string counts = """
            SELECT "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic", COUNT(*)
            FROM "Detainers"
            GROUP BY "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
            """;
        const string rollup = """
            SELECT "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count" FROM "DetainerCounts"
            """;
        const string totals = """
            SELECT "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic", COUNT(*)
            FROM "Detainers"
            GROUP BY "Outcome", "DetainerType", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
            """;
        const string totalsRollup = """
            SELECT "Outcome", "DetainerType", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count" FROM "DetainerTotals"
            """;
        Assert.Equal(await RowsOfAsync(counts), await RowsOfAsync(rollup));
        Assert.Equal(await RowsOfAsync(totals), await RowsOfAsync(totalsRollup));
        foreach (var (table, key, columns, kinds) in CoarseRollups)
        {
            Assert.Equal(
                await RowsOfAsync($"SELECT {key}, {kinds}, COUNT(*) FROM \"Detainers\" d LEFT JOIN \"Jurisdictions\" j ON j.\"Id\" = d.\"JurisdictionId\" GROUP BY {key}, {kinds}"),
                await RowsOfAsync($"SELECT {columns}, {kinds}, \"Count\" FROM \"{table}\""));
        }
    }

    [Fact]
    public async Task Random_imports_over_existing_data_with_corrections_retractions_and_repeats_keep_every_rollup_a_group_by_of_the_table()
    {
        var random = new Random(20261130);
        var reference = new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"));
        var files = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            // A new file (synthetic, or published: the same rows without their seed column), sometimes one already
            // imported again (nothing written), sometimes corrections and retractions between imports.
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            new DetainerGenerator(reference).Write(writer, random.Next(50, 700), random.Next(1_000, 100_000), new DateOnly(2016, 11, 5).AddDays(7 * random.Next(20)), random.Next(1, 8));
            var content = writer.ToString();
            if (random.Next(2) == 0)
            {
                content = AsPublished(content);
            }
            files.Add(content);
            var coarseBefore = await CoarseInRowOrderAsync();
            var imported = await _app.ImportAsync($"round{round}.csv", content);
            Assert.Equal(ImportOutcome.Imported, imported.Outcome);
            await AssertMergedInOrderAsync(coarseBefore, imported.Source.Id);
            // The new source's DetainerCounts rows are the GROUP BY of its rows, in the order the GROUP BY gives them.
            Assert.Equal(
                await RowsInOrderAsync($"""
                    SELECT "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic", COUNT(*)
                    FROM "Detainers" WHERE "SourceId" = {imported.Source.Id}
                    GROUP BY "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", substr("IssuedOn", 1, 8) || '01', substr("OutcomeRecordedOn", 1, 8) || '01', "Retracted", "IsSynthetic"
                    """),
                await RowsInOrderAsync($"""
                    SELECT "JurisdictionId", "FacilityId", "WeekStart", "Outcome", "DetainerType", "Citizenship", "SourceId", "IssuedMonth", "OutcomeMonth", "Retracted", "IsSynthetic", "Count"
                    FROM "DetainerCounts" WHERE "SourceId" = {imported.Source.Id} ORDER BY rowid
                    """));
            await AssertExactAsync();
            var again = files[random.Next(files.Count)];
            Assert.Equal(ImportOutcome.AlreadyImported, (await _app.ImportAsync($"again{round}.csv", again)).Outcome);
            await CorrectAtRandomAsync(random, random.Next(5, 30));
            await AssertExactAsync();
        }
        Assert.Empty(await RowsOfAsync("SELECT * FROM \"DetainerRollupsDeferred\""));
    }

    /// <summary>Every row of a query as one sorted list of strings, so two row sets compare exactly.</summary>
    private async Task<List<string>> RowsOfAsync(string sql)
    {
        var rows = await RowsInOrderAsync(sql);
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Every row of a query as a string, in the order the query gives them.</summary>
    private Task<List<string>> RowsInOrderAsync(string sql) => _app.WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }
        return rows;
    });

    [Fact]
    public async Task Stats_by_state_and_week_and_a_week_range_count_read_the_coarse_rollups_own_columns_without_joining_weeks()
    {
        var rows = (await LoadRowsAsync()).Where(r => !r.Retracted).ToList();
        _app.Sql.Clear();
        var data = await _app.DataAsync("""
            { byStateWeek: detainerStats(groupBy: [STATE, WEEK], includeSynthetic: true) { keys { state week { start } } count }
              guatemala: detainers(first: 0, includeSynthetic: true, where: { week: { start: { gte: "2017-02-11" } }, citizenship: { eq: "Guatemala" } }) { totalCount } }
            """);
        var statements = _app.Sql.Commands.Where(c => c.Contains("SUM(", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, statements.Count);
        Assert.Contains(statements, c => c.Contains("FROM \"DetainerStateWeekCounts\"", StringComparison.Ordinal));
        Assert.Contains(statements, c => c.Contains("FROM \"DetainerCitizenshipWeekCounts\"", StringComparison.Ordinal));
        // The week and the state are the rollups' own columns: no join to Weeks or Jurisdictions.
        Assert.DoesNotContain(statements, c => c.Contains("JOIN", StringComparison.Ordinal));
        Assert.Equal(rows.Count(r => r.Week >= new DateOnly(2017, 2, 11) && r.Citizenship == "Guatemala"),
            data.GetProperty("guatemala").GetProperty("totalCount").GetInt32());
        Assert.True(data.GetProperty("guatemala").GetProperty("totalCount").GetInt32() > 0, "the fixture has such detainers");
        Assert.Equal(
            rows.GroupBy(r => $"{r.State ?? "null"}|{r.Week?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "null"}").Select(g => $"{g.Key} = {g.Count()}").Order(StringComparer.Ordinal),
            data.GetProperty("byStateWeek").EnumerateArray().Select(g =>
            {
                var keys = g.GetProperty("keys");
                var state = keys.GetProperty("state") is { ValueKind: JsonValueKind.String } st ? st.GetString() : "null";
                var week = keys.GetProperty("week") is { ValueKind: JsonValueKind.Object } w ? w.GetProperty("start").GetString() : "null";
                return $"{state}|{week} = {g.GetProperty("count").GetInt32()}";
            }).Order(StringComparer.Ordinal));
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
        Assert.Equal(rows.Count(r => !r.Retracted && !r.IsSynthetic && r.IssuedOn >= new DateOnly(2017, 2, 15)), data.GetProperty("a").GetProperty("totalCount").GetInt32());
        Assert.True(data.GetProperty("b").GetProperty("totalCount").GetInt32() > 0);
        Assert.DoesNotContain(_app.Sql.Commands, c => Rollups.Any(r => c.Contains($"\"{r.Table}\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_default_published_only_total_count_and_stats_are_read_from_the_rollups_not_the_table()
    {
        _app.Sql.Clear();
        var data = await _app.DataAsync("""
            { all: detainers(first: 1) { totalCount syntheticExcluded }
              open: detainers(first: 1, where: { outcome: { eq: OPEN }, jurisdiction: { state: { eq: "TX" } } }) { totalCount syntheticExcluded }
              total: detainerStats(groupBy: []) { count }
              byState: detainerStats(groupBy: [STATE, OUTCOME]) { keys { state outcome } count } }
            """);
        var rows = await LoadRowsAsync();
        var published = rows.Where(r => !r.Retracted && !r.IsSynthetic).ToList();
        var synthetic = rows.Where(r => !r.Retracted && r.IsSynthetic).ToList();
        Assert.Equal(published.Count, data.GetProperty("all").GetProperty("totalCount").GetInt32());
        Assert.Equal(synthetic.Count, data.GetProperty("all").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(published.Count(r => r.Outcome == "OPEN" && r.State == "TX"), data.GetProperty("open").GetProperty("totalCount").GetInt32());
        Assert.Equal(synthetic.Count(r => r.Outcome == "OPEN" && r.State == "TX"), data.GetProperty("open").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(published.Count, Assert.Single(data.GetProperty("total").EnumerateArray()).GetProperty("count").GetInt32());
        var byState = data.GetProperty("byState").EnumerateArray()
            .Select(g => $"{g.GetProperty("keys").GetProperty("state")}|{g.GetProperty("keys").GetProperty("outcome").GetString()} = {g.GetProperty("count").GetInt32()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(published.GroupBy(r => $"{r.State ?? ""}|{r.Outcome}").Select(g => $"{g.Key} = {g.Count()}").Order(StringComparer.Ordinal).ToList(), byState);
        // Every count above came from a rollup: no COUNT over the Detainers table was run.
        Assert.Contains(_app.Sql.Commands, c => c.Contains("\"DetainerTotals\"", StringComparison.Ordinal));
        Assert.Contains(_app.Sql.Commands, c => c.Contains("\"DetainerStateWeekCounts\"", StringComparison.Ordinal));
        Assert.DoesNotContain(_app.Sql.Commands, c => c.Contains("COUNT(", StringComparison.Ordinal) && c.Contains("FROM \"Detainers\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_calendar_s_last_day_as_a_bound_is_a_month_boundary_not_an_error()
    {
        // 9999-12-31 has no day after it: a bound there (lte, gt, and their negations) once threw in the rollup's month test.
        var data = await _app.DataAsync("""
            { all: detainers(first: 0) { totalCount }
              lte: detainers(first: 0, where: { issuedOn: { lte: "9999-12-31" } }) { totalCount }
              gt: detainers(first: 0, where: { issuedOn: { gt: "9999-12-31" } }) { totalCount }
              ngt: detainers(first: 0, where: { outcomeRecordedOn: { ngt: "9999-12-31" } }) { totalCount }
              stats: detainerStats(groupBy: [OUTCOME], where: { issuedOn: { lte: "9999-12-31" } }) { count } }
            """);

        var all = data.GetProperty("all").GetProperty("totalCount").GetInt32();
        Assert.True(all > 0);
        Assert.Equal(all, data.GetProperty("lte").GetProperty("totalCount").GetInt32());
        Assert.Equal(0, data.GetProperty("gt").GetProperty("totalCount").GetInt32());
        // Not after the calendar's end: every detainer, those with no outcome date yet included (null is not after it).
        Assert.Equal(all, data.GetProperty("ngt").GetProperty("totalCount").GetInt32());
        Assert.Equal(all, data.GetProperty("stats").EnumerateArray().Sum(g => g.GetProperty("count").GetInt32()));
    }

    [Theory]
    [InlineData(9999, 12, "9999-12-01", "9999-12-31", "9999-12-31")]
    [InlineData(2016, 2, "2016-02-01", "2016-02-29", "2016-03-31")]
    public void A_period_ends_on_its_last_day_at_the_end_of_the_calendar_too(int year, int month, string start, string end, string quarterEnd)
    {
        static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var period = DetainerGraph.Detainers.Period.Month(year, month)!;
        var quarter = DetainerGraph.Detainers.Period.Quarter(year, (month + 2) / 3)!;

        Assert.Equal((start, end), (Text(period.Start), Text(period.End)));
        Assert.Equal(quarterEnd, Text(quarter.End));
    }

    [Fact]
    public async Task A_count_that_matches_no_rollup_row_is_zero_not_null()
    {
        // SUM over no rows is NULL in SQL; the count read from the rollup must still be 0, on each rollup the filter picks.
        _app.Sql.Clear();
        var data = await _app.DataAsync("""
            { total: detainers(first: 0, where: { outcome: { eq: OPEN }, outcomeRecordedOn: { gte: "2999-01-01" } }) { totalCount }
              citizenship: detainers(first: 0, where: { citizenship: { eq: "Atlantis" }, week: { start: { gte: "2017-01-28" } } }) { totalCount }
              state: detainers(first: 0, includeSynthetic: true, where: { jurisdiction: { state: { eq: "ZZ" } } }) { totalCount }
              region: detainers(first: 0, includeSynthetic: true, where: { jurisdiction: { fieldOffice: { eq: "No Such Office" } } }) { totalCount }
              fine: detainers(first: 0, where: { facility: { name: { eq: "No Such Facility" } } }) { totalCount } }
            """);
        foreach (var alias in new[] { "total", "citizenship", "state", "region", "fine" })
        {
            Assert.Equal(0, data.GetProperty(alias).GetProperty("totalCount").GetInt32());
        }
        Assert.Equal(5, _app.Sql.Commands.Count);
        Assert.All(_app.Sql.Commands, c =>
        {
            Assert.Contains("SUM(", c, StringComparison.Ordinal);
            Assert.DoesNotContain("FROM \"Detainers\"", c, StringComparison.Ordinal);
        });
        foreach (var table in new[] { "DetainerTotals", "DetainerCitizenshipWeekCounts", "DetainerStateWeekCounts", "DetainerRegionMonthCounts", "DetainerCounts" })
        {
            Assert.Contains(_app.Sql.Commands, c => c.Contains($"\"{table}\"", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_count_with_an_empty_page_reads_only_the_rollup_and_pageInfo_still_says_whether_rows_follow()
    {
        const string Where = """where: { outcome: { eq: OPEN }, jurisdiction: { state: { eq: "TX" } } }""";
        var expected = (await LoadRowsAsync()).Count(r => !r.Retracted && !r.IsSynthetic && r.Outcome == "OPEN" && r.State == "TX");
        Assert.True(expected > 0, "the fixture has open Texas detainers");

        _app.Sql.Clear();
        var count = await _app.DataAsync($$"""{ detainers(first: 0, {{Where}}) { totalCount } }""");
        Assert.Equal(expected, count.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        // One statement, the coarse rollup's: no probe row of the Detainers table is read for a page nobody looks at.
        var statement = Assert.Single(_app.Sql.Commands);
        Assert.Contains("\"DetainerStateWeekCounts\"", statement, StringComparison.Ordinal);
        Assert.DoesNotContain("FROM \"Detainers\"", statement, StringComparison.Ordinal);

        _app.Sql.Clear();
        var paged = await _app.DataAsync($$"""{ detainers(first: 0, {{Where}}) { totalCount pageInfo { hasNextPage } } }""");
        Assert.Equal(expected, paged.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.True(paged.GetProperty("detainers").GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Contains(_app.Sql.Commands, c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_data_truth_filter_or_dimension_the_rollups_do_not_keep_falls_back_to_the_exact_count_of_the_table()
    {
        _app.Sql.Clear();
        var data = await _app.DataAsync("""
            { unresolved: detainers(where: { jurisdictionResolution: { eq: UNRESOLVED } }) { totalCount syntheticExcluded }
              resolved: detainers(where: { jurisdictionResolution: { neq: UNRESOLVED }, outcome: { neq: OPEN } }) { totalCount }
              noBirthplace: detainers(where: { placeOfBirth: { eq: null } }, includeSynthetic: true) { totalCount }
              byResolution: detainerStats(groupBy: [JURISDICTION_RESOLUTION]) { keys { jurisdictionResolution } count } }
            """);
        Assert.DoesNotContain(_app.Sql.Commands, c => Rollups.Any(r => c.Contains($"\"{r.Table}\"", StringComparison.Ordinal)));
        var (unresolved, unresolvedSynthetic, resolved, noBirthplace, byResolution) = await _app.WithDbAsync(async db =>
        {
            var open = db.Detainers.Where(d => !d.Retracted);
            return (
                await open.CountAsync(d => !d.IsSynthetic && d.JurisdictionResolution == JurisdictionResolution.Unresolved),
                await open.CountAsync(d => d.IsSynthetic && d.JurisdictionResolution == JurisdictionResolution.Unresolved),
                await open.CountAsync(d => !d.IsSynthetic && d.JurisdictionResolution != JurisdictionResolution.Unresolved && d.Outcome != DetainerOutcome.Open),
                await open.CountAsync(d => d.PlaceOfBirth == null),
                await open.Where(d => !d.IsSynthetic).GroupBy(d => d.JurisdictionResolution).Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        });
        Assert.True(unresolved + resolved > 0 && noBirthplace > 0, "the fixture must match these filters");
        Assert.Equal(unresolved, data.GetProperty("unresolved").GetProperty("totalCount").GetInt32());
        Assert.Equal(unresolvedSynthetic, data.GetProperty("unresolved").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(resolved, data.GetProperty("resolved").GetProperty("totalCount").GetInt32());
        Assert.Equal(noBirthplace, data.GetProperty("noBirthplace").GetProperty("totalCount").GetInt32());
        Assert.Equal(
            byResolution.Select(g => $"{Constant(g.Key.ToString())} = {g.Count}").Order(StringComparer.Ordinal),
            data.GetProperty("byResolution").EnumerateArray()
                .Select(g => $"{g.GetProperty("keys").GetProperty("jurisdictionResolution").GetString()} = {g.GetProperty("count").GetInt32()}").Order(StringComparer.Ordinal));
    }

    internal sealed record Row(long Id, string? State, int? JurisdictionId, string? FieldOffice, DateOnly? Week, string Outcome, string DetainerType,
        string? Citizenship, DateOnly? IssuedOn, bool Retracted, bool IsSynthetic, DateOnly? OutcomeRecordedOn = null);

    private Task<List<Row>> LoadRowsAsync() => LoadRowsAsync(_app);

    internal static Task<List<Row>> LoadRowsAsync(TestApp app) => app.WithDbAsync(async db =>
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
            d.IsSynthetic,
            d.OutcomeRecordedOn,
        }).ToListAsync())
        .Select(d => new Row(d.Id, d.State, d.JurisdictionId, d.FieldOffice, d.WeekStart, Constant(d.Outcome.ToString()), d.DetainerType.ToString().ToUpperInvariant(),
            d.Citizenship, d.IssuedOn, d.Retracted, d.IsSynthetic, d.OutcomeRecordedOn))
        .ToList());

    /// <summary>BookedIntoDetention as the schema names it, BOOKED_INTO_DETENTION.</summary>
    private static string Constant(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    /// <summary>A random condition on one or two dimensions (sometimes or-ed), as the API takes it and as a predicate.</summary>
    internal static (object Where, Func<Row, bool> Matches, string[] Dimensions) RandomFilter(Random random, List<Row> rows)
    {
        var named = new HashSet<string>();
        (object, Func<Row, bool>) One()
        {
            var (where, matches, dimension) = OneOn();
            named.Add(dimension);
            return (where, matches);
        }
        (object, Func<Row, bool>, string) OneOn()
        {
            var row = rows[random.Next(rows.Count)];
            switch (random.Next(10))
            {
                case 0:
                    return (new { jurisdiction = new { state = new { eq = row.State } } }, r => r.State == row.State, "STATE");
                case 1:
                    return (new { jurisdiction = new { fieldOffice = new { eq = row.FieldOffice } } }, r => r.FieldOffice == row.FieldOffice, "FIELD_OFFICE");
                case 2:
                    var week = row.Week ?? new DateOnly(2017, 2, 4);
                    return random.Next(2) == 0
                        ? (new { week = new { start = new { gte = week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } } }, r => r.Week >= week, "WEEK")
                        : (new { week = new { start = new { lt = week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } } }, r => r.Week < week, "WEEK");
                case 3:
                    var outcomes = Outcomes.Where(_ => random.Next(2) == 0).ToArray();
                    return (new { outcome = new { @in = outcomes } }, r => outcomes.Contains(r.Outcome), "OUTCOME");
                case 4:
                    return (new { detainerType = new { eq = row.DetainerType } }, r => r.DetainerType == row.DetainerType, "DETAINER_TYPE");
                case 5:
                    var country = random.Next(5) == 0 ? null : Citizenships[random.Next(Citizenships.Length)];
                    return (new { citizenship = new { eq = country } }, r => r.Citizenship == country, "CITIZENSHIP");
                case 6:
                    // Month boundaries: the rollups keep the issue date to the month.
                    var month = new DateOnly(2016, 11, 1).AddMonths(random.Next(6));
                    return random.Next(2) == 0
                        ? (new { issuedOn = new { gte = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } }, r => r.IssuedOn >= month, "ISSUED_MONTH")
                        : (new { issuedOn = new { lte = month.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } }, r => r.IssuedOn <= month.AddDays(-1), "ISSUED_MONTH");
                case 7:
                    // The navigations' own null checks: read on the coarse rollups as a null state or week column.
                    return random.Next(2) == 0
                        ? (new { jurisdiction = (object?)null }, r => r.JurisdictionId is null, "STATE")
                        : (new { week = (object?)null }, r => r.Week is null, "WEEK");
                case 8:
                    // A jurisdiction itself: only the fine rollup keeps it.
                    var id = row.JurisdictionId ?? rows.First(r => r.JurisdictionId is not null).JurisdictionId!.Value;
                    return (new { jurisdiction = new { id = new { eq = GlobalId.Encode("Jurisdiction", id) } } }, r => r.JurisdictionId == id, "JURISDICTION");
                default:
                    return (new { outcome = new { neq = row.Outcome } }, r => r.Outcome != row.Outcome, "OUTCOME");
            }
        }
        var (first, a) = One();
        switch (random.Next(3))
        {
            case 0:
                return (first, a, [.. named]);
            case 1:
                var (second, b) = One();
                return (new { and = new[] { first, second } }, r => a(r) && b(r), [.. named]);
            default:
                var (other, c) = One();
                return (new { or = new[] { first, other } }, r => a(r) || c(r), [.. named]);
        }
    }

    private Task CorrectAtRandomAsync(Random random, int corrections) => CorrectAtRandomAsync(_app, random, corrections);

    /// <summary>Random corrections, retractions and restorations through the real correction writer (the same ones on two equal stores).</summary>
    internal static async Task CorrectAtRandomAsync(TestApp app, Random random, int corrections)
    {
        var rows = await LoadRowsAsync(app);
        var jurisdictions = rows.Where(r => r.JurisdictionId is not null).Select(r => r.JurisdictionId!.Value).Distinct().ToList();
        await using var scope = app.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<CorrectionWriter>();
        // Synthetic records cannot be corrected (the writer refuses them); their rows change only by import.
        var open = rows.Where(r => !r.Retracted && !r.IsSynthetic).ToList();
        var retracted = rows.Where(r => r.Retracted && !r.IsSynthetic).ToList();
        // Restorations draw from their own dice, so the corrections and the filters drawn after them stay as they were.
        var restoring = new Random(corrections);
        for (var i = 0; i < corrections; i++)
        {
            var request = (string? value) => new CorrectionRequest(value, "A property test's correction", "DetainerCountRollupTests", null);
            if (retracted.Count > 0 && restoring.Next(4) == 0)
            {
                // A retraction undone: the row counts again, in the groups its current values name.
                var back = retracted[restoring.Next(retracted.Count)];
                await writer.RestoreDetainerAsync(back.Id, request(null), "tester", CancellationToken.None);
                retracted.Remove(back);
                open.Add(back);
            }
            var row = open[random.Next(open.Count)];
            if (random.Next(5) == 0)
            {
                await writer.RetractDetainerAsync(row.Id, request(null), "tester", CancellationToken.None);
                open.Remove(row);
                retracted.Add(row);
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
        "SOURCE_KIND" => r.IsSynthetic ? "SYNTHETIC" : "FILE",
        "ISSUED_YEAR" => r.IssuedOn?.ToString("yyyy", CultureInfo.InvariantCulture) ?? "null",
        "ISSUED_QUARTER" => r.IssuedOn is { } q ? $"{q.Year}-Q{(q.Month + 2) / 3}" : "null",
        "ISSUED_MONTH" => r.IssuedOn?.ToString("yyyy-MM", CultureInfo.InvariantCulture) ?? "null",
        "OUTCOME_MONTH" => r.OutcomeRecordedOn?.ToString("yyyy-MM", CultureInfo.InvariantCulture) ?? "null",
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
            "SOURCE_KIND" => Text("sourceKind"),
            "ISSUED_YEAR" => Id("issuedYear", "label"),
            "ISSUED_QUARTER" => Id("issuedQuarter", "label"),
            "ISSUED_MONTH" => Id("issuedMonth", "label"),
            "OUTCOME_MONTH" => Id("outcomeMonth", "label"),
            _ => Text("citizenship"),
        }));
    }
}
