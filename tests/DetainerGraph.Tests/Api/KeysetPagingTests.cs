using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// Keyset pagination of entity lists (<see cref="KeysetPaging"/>): pages walked forward and backward equal the whole
/// list in its order (random orders over nullable and tied keys, random filters and page sizes, checked against an
/// ordering made in memory), a cursor stays right when rows are added or retracted between pages, and a cursor that
/// is not this list's is a clear error.
/// </summary>
public sealed class KeysetPagingTests : IAsyncLifetime, IDisposable
{
    private const int Rows = 60;
    private readonly TestApp _app = new();

    private static readonly string[] Counties = ["TX,Travis County,Travis County Jail,Austin", "TX,Harris County,Harris County Jail,Houston", "NV,Clark County,,", "IL,Cook County,Cook County Jail,Chicago", "WA,Snohomish County,,"];
    private static readonly string[] Citizenships = ["Mexico", "Honduras", "", "Guatemala", ""];
    private static readonly string[] Outcomes = ["Detainer Declined by LEA", "Lifted", "Transferred", "", "Booked into Detention"];
    private static readonly string[] Forms = ["I-247D", "I-247N", "I-247X", "I-247A"];

    /// <summary>Rows with few distinct values (ties) and missing ones (issue date, outcome date, citizenship, facility).</summary>
    private static string Csv(int count, int seed, string prefix)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status\n");
        for (var i = 0; i < count; i++)
        {
            var issued = random.Next(6) == 0 ? "" : new DateOnly(2017, 1, 1).AddDays(random.Next(8)).ToString("yyyy-MM-dd");
            var outcome = Outcomes[random.Next(Outcomes.Length)];
            var recorded = outcome == "" || random.Next(4) == 0 ? "" : new DateOnly(2017, 2, 1).AddDays(random.Next(5)).ToString("yyyy-MM-dd");
            csv.Append($"{prefix}{i},{Counties[random.Next(Counties.Length)]},{Citizenships[random.Next(Citizenships.Length)]},{Forms[random.Next(Forms.Length)]},{issued},{outcome},{recorded},,Burglary,Charge\n");
        }
        return csv.ToString();
    }

    public async Task InitializeAsync() => await _app.ImportAsync("keyset.csv", Csv(Rows, 7, "k"));

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    /// <summary>A sort key: its GraphQL <c>order</c> item and its value in memory (null when missing; text compared by code point, enums by name).</summary>
    private sealed record Key(string Order, Func<Detainer, string?> Value);

    private static readonly Key[] Keys =
    [
        new("issuedOn", d => d.IssuedOn?.ToString("yyyy-MM-dd")),
        new("outcomeRecordedOn", d => d.OutcomeRecordedOn?.ToString("yyyy-MM-dd")),
        new("outcome", d => d.Outcome.ToString()),
        new("detainerType", d => d.DetainerType.ToString()),
        new("citizenship", d => d.Citizenship),
        new("jurisdiction: { name: %DIR% }", d => d.Jurisdiction?.Name),
        new("jurisdiction: { state: %DIR% }", d => d.Jurisdiction?.State),
        new("facility: { name: %DIR% }", d => d.Facility?.Name),
        new("facility: { city: %DIR% }", d => d.Facility?.City),
    ];

    /// <summary>A filter: its GraphQL <c>where</c> and the same test in memory.</summary>
    private static readonly (string Where, Func<Detainer, bool> Test)[] Filters =
    [
        ("{}", _ => true),
        ("{ jurisdiction: { state: { eq: \"TX\" } } }", d => d.Jurisdiction?.State == "TX"),
        ("{ citizenship: { eq: null } }", d => d.Citizenship is null),
        ("{ issuedOn: { gte: \"2017-01-04\" } }", d => d.IssuedOn >= new DateOnly(2017, 1, 4)),
        ("{ outcome: { in: [LIFTED, OPEN, TRANSFERRED] } }", d => d.Outcome is DetainerOutcome.Lifted or DetainerOutcome.Open or DetainerOutcome.Transferred),
    ];

    private const string Page = """
        query($first: Int, $after: String, $last: Int, $before: String, $order: [DetainerSortInput!], $where: DetainerFilterInput) {
          detainers(first: $first, after: $after, last: $last, before: $before, order: $order, where: $where, includeSynthetic: true) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges { cursor node { id } }
          }
        }
        """;

    private async Task<JsonElement> PageAsync(object variables) => (await _app.DataAsync(Page, variables)).GetProperty("detainers");

    private static List<long> Ids(JsonElement page) =>
        [.. page.GetProperty("edges").EnumerateArray().Select(e => GlobalId.RequireNumber<long>(e.GetProperty("node").GetProperty("id").GetString()!, "Detainer"))];

    private static bool Info(JsonElement page, string name) => page.GetProperty("pageInfo").GetProperty(name).GetBoolean();

    private static string? Cursor(JsonElement page, string name) => page.GetProperty("pageInfo").GetProperty(name).GetString();

    private Task<List<Detainer>> AllAsync() =>
        _app.WithDbAsync(db => db.Detainers.Include(d => d.Jurisdiction).Include(d => d.Facility).Where(d => !d.Retracted).ToListAsync());

    /// <summary>The list in memory: each key ascending with missing values first, descending with them last, then the ID.</summary>
    private static List<long> Ordered(IEnumerable<Detainer> rows, IReadOnlyList<(Key Key, bool Descending)> order)
    {
        var list = rows.ToList();
        list.Sort((a, b) =>
        {
            foreach (var (key, descending) in order)
            {
                var (x, y) = (key.Value(a), key.Value(b));
                var c = x is null ? (y is null ? 0 : -1) : y is null ? 1 : string.CompareOrdinal(x, y);
                if (c != 0)
                {
                    return descending ? -c : c;
                }
            }
            return a.Id.CompareTo(b.Id);
        });
        return [.. list.Select(d => d.Id)];
    }

    private static object[] OrderArgument(IReadOnlyList<(Key Key, bool Descending)> order) =>
        [.. order.Select(o => o.Key.Order.Contains("%DIR%", StringComparison.Ordinal)
            ? (object)JsonSerializer.Deserialize<Dictionary<string, object>>(ToJson(o.Key.Order.Replace("%DIR%", o.Descending ? "DESC" : "ASC", StringComparison.Ordinal)))!
            : new Dictionary<string, string> { [o.Key.Order] = o.Descending ? "DESC" : "ASC" })];

    /// <summary><c>jurisdiction: { name: ASC }</c> as JSON.</summary>
    private static string ToJson(string item)
    {
        var parts = item.Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal).Split(':', StringSplitOptions.TrimEntries);
        return $"{{\"{parts[0]}\":{{\"{parts[1]}\":\"{parts[2]}\"}}}}";
    }

    [Fact]
    public async Task Pages_walked_forward_and_backward_equal_the_whole_list_for_random_orders_filters_and_sizes()
    {
        var all = await AllAsync();
        var random = new Random(14);
        for (var round = 0; round < 24; round++)
        {
            var order = Enumerable.Range(0, random.Next(1, 4)).Select(_ => (Keys[random.Next(Keys.Length)], random.Next(2) == 0)).ToList();
            var (where, test) = Filters[random.Next(Filters.Length)];
            var size = random.Next(1, 8);
            await AssertWalksAsync(all, order, where, test, size, random, $"round {round}");
        }
    }

    /// <summary>The booking date of a jail's records (<c>issuedOnOrAfter</c>), the only date Travis County's have.</summary>
    private static readonly Key IssuedOnOrAfter = new("issuedOnOrAfter", d => d.IssuedOnOrAfter?.ToString("yyyy-MM-dd"));

    /// <summary>Bookings of two Texas jails and one in Nevada (a jail's export, Travis County's shape) on few dates: ties.</summary>
    private static string Bookings(int count, int seed)
    {
        var random = new Random(seed);
        string[] jails = ["TX,Travis County", "TX,Harris County", "NV,Clark County"];
        string[] dispositions = ["RELEASED TO ICE", "WARRANT WITHDRAWN", ""];
        var csv = new StringBuilder("state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge\n");
        for (var i = 0; i < count; i++)
        {
            var booked = new DateOnly(2014, 3, 1).AddDays(random.Next(5));
            var disposition = dispositions[random.Next(dispositions.Length)];
            var ended = disposition == "" ? "" : booked.AddDays(random.Next(3, 9)).ToString("yyyy-MM-dd");
            csv.Append($"{jails[random.Next(jails.Length)]},{i + 1},{booked:yyyy-MM-dd},Mexico,{disposition},{ended},,BURGLARY\n");
        }
        return csv.ToString();
    }

    [Fact]
    public async Task Pages_by_issued_on_or_after_walked_both_ways_equal_the_list_sorted_in_memory_with_missing_dates_and_ties()
    {
        // 60 rows without the date (the CSV's) and 40 bookings on five dates (ties), in states that hold both kinds.
        await _app.ImportAsync("bookings.csv", Bookings(40, 23));
        var all = await AllAsync();
        Assert.Equal(40, all.Count(d => d.IssuedOnOrAfter is not null));
        (string Where, Func<Detainer, bool> Test)[] filters =
        [
            Filters[0],
            Filters[1],
            ("{ outcome: { in: [LIFTED, OPEN, TRANSFERRED] } }", d => d.Outcome is DetainerOutcome.Lifted or DetainerOutcome.Open or DetainerOutcome.Transferred),
        ];
        List<(Key Key, bool Descending)>[] orders =
        [
            [(IssuedOnOrAfter, true)],
            [(IssuedOnOrAfter, false)],
            [(IssuedOnOrAfter, true), (Keys[2], false)],
            [(Keys[6], false), (IssuedOnOrAfter, true)],
            [(Keys[0], true), (IssuedOnOrAfter, false)],
        ];
        var random = new Random(23);
        foreach (var order in orders)
        {
            foreach (var (where, test) in filters)
            {
                await AssertWalksAsync(all, order, where, test, random.Next(3, 9), random, "issuedOnOrAfter");
            }
        }
    }

    /// <summary>
    /// Walks the list in <paramref name="order"/> under <paramref name="where"/> forward and backward in pages of
    /// <paramref name="size"/>, and reads a window between two cursors both ways: each equals the list sorted in memory.
    /// </summary>
    private async Task AssertWalksAsync(List<Detainer> all, IReadOnlyList<(Key Key, bool Descending)> order, string where, Func<Detainer, bool> test, int size, Random random, string round)
    {
        var expected = Ordered(all.Where(test), order);
        var orderArgument = OrderArgument(order);
        var whereArgument = JsonSerializer.Deserialize<JsonElement>(GraphQlToJson(where));
        var label = $"{round}: order {JsonSerializer.Serialize(orderArgument)}, where {where}, size {size}";

        var forward = new List<long>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages <= all.Count, label);
            var page = await PageAsync(new { first = size, after, order = orderArgument, where = whereArgument });
            forward.AddRange(Ids(page));
            Assert.Equal(after is not null, Info(page, "hasPreviousPage"));
            Assert.Equal(expected.Count, page.GetProperty("totalCount").GetInt32());
            if (!Info(page, "hasNextPage"))
            {
                break;
            }
            after = Cursor(page, "endCursor");
        }
        Assert.True(expected.SequenceEqual(forward), $"{label}\nexpected {string.Join(",", expected)}\nforward  {string.Join(",", forward)}");

        var backward = new List<long>();
        string? before = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages <= all.Count, label);
            var page = await PageAsync(new { last = size, before, order = orderArgument, where = whereArgument });
            backward.InsertRange(0, Ids(page));
            Assert.Equal(before is not null, Info(page, "hasNextPage"));
            if (!Info(page, "hasPreviousPage"))
            {
                break;
            }
            before = Cursor(page, "startCursor");
        }
        Assert.True(expected.SequenceEqual(backward), $"{label}\nexpected {string.Join(",", expected)}\nbackward {string.Join(",", backward)}");

        // A window between two cursors, either way: the items strictly between them.
        if (expected.Count >= 4)
        {
            var edges = (await PageAsync(new { first = expected.Count > 100 ? 100 : expected.Count, order = orderArgument, where = whereArgument })).GetProperty("edges").EnumerateArray().ToList();
            var (from, to) = (random.Next(0, edges.Count - 2), 0);
            to = random.Next(from + 2, edges.Count);
            var between = expected.Skip(from + 1).Take(to - from - 1).ToList();
            var window = new { after = edges[from].GetProperty("cursor").GetString(), before = edges[to].GetProperty("cursor").GetString(), order = orderArgument, where = whereArgument };
            Assert.Equal(between, Ids(await PageAsync(new { first = 100, window.after, window.before, window.order, window.where })));
            Assert.Equal(between, Ids(await PageAsync(new { last = 100, window.after, window.before, window.order, window.where })));
        }
    }

    /// <summary>The test's GraphQL <c>where</c> literals as JSON variables.</summary>
    private static string GraphQlToJson(string where) => where switch
    {
        "{}" => "{}",
        _ when where.Contains("state", StringComparison.Ordinal) => "{\"jurisdiction\":{\"state\":{\"eq\":\"TX\"}}}",
        _ when where.Contains("citizenship", StringComparison.Ordinal) => "{\"citizenship\":{\"eq\":null}}",
        _ when where.Contains("issuedOn", StringComparison.Ordinal) => "{\"issuedOn\":{\"gte\":\"2017-01-04\"}}",
        _ => "{\"outcome\":{\"in\":[\"LIFTED\",\"OPEN\",\"TRANSFERRED\"]}}",
    };

    [Fact]
    public async Task A_pages_total_count_is_read_in_its_statement_when_a_rollup_answers_it_and_counted_alone_when_the_page_is_empty()
    {
        const string Query = """
            query($after: String, $where: DetainerFilterInput) {
              detainers(first: 3, after: $after, where: $where, order: [{ issuedOn: DESC }], includeSynthetic: true) {
                totalCount
                edges { cursor node { id } }
              }
            }
            """;
        var all = await AllAsync();
        var declined = all.Count(d => d.Outcome == DetainerOutcome.DeclinedByLea);
        var outcome = JsonSerializer.Deserialize<JsonElement>("{\"outcome\":{\"eq\":\"DECLINED_BY_LEA\"}}");

        // The rollups answer the count: it is a column of the page's statement, one statement in all.
        var first = await _app.QueryAsync(Query, new { where = outcome });
        var page = first.GetProperty("data").GetProperty("detainers");
        Assert.Equal(declined, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(3, page.GetProperty("edges").GetArrayLength());
        Assert.Equal(1, TestApp.SqlStatements(first));

        // Past the last row the page is empty and its statement returns nothing: the count runs alone, and is the same.
        var ordered = all.Where(d => d.Outcome == DetainerOutcome.DeclinedByLea)
            .OrderByDescending(d => d.IssuedOn.HasValue).ThenByDescending(d => d.IssuedOn).ThenBy(d => d.Id).Last();
        var last = KeysetCursors.Detainer(q => q.OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id), ordered.IssuedOn, ordered.Id);
        var empty = await _app.QueryAsync(Query, new { after = last, where = outcome });
        page = empty.GetProperty("data").GetProperty("detainers");
        Assert.Equal(0, page.GetProperty("edges").GetArrayLength());
        Assert.Equal(declined, page.GetProperty("totalCount").GetInt32());
        Assert.True(TestApp.SqlStatements(empty) >= 2);

        // A day-level date bound is not on a rollup: the count is a plain COUNT of its own statement, as before.
        var dayBound = JsonSerializer.Deserialize<JsonElement>("{\"issuedOn\":{\"gte\":\"2017-01-04\"}}");
        var plain = await _app.QueryAsync(Query, new { where = dayBound });
        Assert.Equal(all.Count(d => d.IssuedOn >= new DateOnly(2017, 1, 4)), plain.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.Equal(2, TestApp.SqlStatements(plain));
    }

    [Fact]
    public async Task A_cursor_stays_valid_when_rows_are_added_and_retracted_between_pages_with_no_row_skipped_or_repeated()
    {
        var order = new object[] { new Dictionary<string, string> { ["issuedOn"] = "DESC" } };
        var before = Ordered(await AllAsync(), [(Keys[0], true)]);
        var first = await PageAsync(new { first = 10, order });
        var seen = Ids(first);
        Assert.Equal(before.Take(10), seen);

        // Between pages: two rows already seen and two not yet seen are retracted, and new rows arrive on both sides of the cursor.
        var retracted = new[] { seen[0], seen[5], before[12], before[30] };
        await _app.WithDbAsync(db => db.Detainers.Where(d => retracted.Contains(d.Id)).ExecuteUpdateAsync(s => s.SetProperty(d => d.Retracted, true)));
        await _app.ImportAsync("keyset-more.csv", Csv(20, 8, "m"));
        var now = Ordered(await AllAsync(), [(Keys[0], true)]);
        var lastSeen = seen[^1];

        var rest = new List<long>();
        var after = Cursor(first, "endCursor");
        while (true)
        {
            var page = await PageAsync(new { first = 7, after, order });
            rest.AddRange(Ids(page));
            if (!Info(page, "hasNextPage"))
            {
                break;
            }
            after = Cursor(page, "endCursor");
        }

        // Exactly the rows now after the cursor's row, in order: none of the first page again, none skipped,
        // the retracted ones left out, the new ones read where they sort (an offset cursor would have skipped
        // two rows here, moved up by the two retractions before it).
        Assert.Equal(now.SkipWhile(id => id != lastSeen).Skip(1).ToList(), rest);
        Assert.Empty(rest.Intersect(seen));
        Assert.Equal(rest.Count, rest.Distinct().Count());
        Assert.DoesNotContain(before[12], rest);
        Assert.Contains(before[13], rest);
        Assert.Contains(rest, id => !before.Contains(id));
    }

    [Fact]
    public async Task A_position_cursor_of_an_earlier_version_still_reads_the_page_after_its_position()
    {
        var order = new object[] { new Dictionary<string, string> { ["citizenship"] = "DESC" } };
        var all = await PageAsync(new { first = 20, order });

        var legacy = await PageAsync(new { first = 5, after = Paging.EncodeCursor(6), order });

        Assert.Equal(Ids(all).Skip(7).Take(5), Ids(legacy));
        Assert.True(Info(legacy, "hasPreviousPage"));
        // Its own cursors are keyset cursors: the next page follows on.
        var next = await PageAsync(new { first = 5, after = Cursor(legacy, "endCursor"), order });
        Assert.Equal(Ids(all).Skip(12).Take(5), Ids(next));
        var back = await PageAsync(new { last = 3, before = Paging.EncodeCursor(6), order });
        Assert.Equal(Ids(all).Skip(3).Take(3), Ids(back));
    }

    public static TheoryData<string, string> ForeignCursors()
    {
        var byIssued = KeysetCursors.Detainer(q => q.OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id), new DateOnly(2017, 1, 3), 5L);
        static string B64(string text) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        var signature = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(byIssued)).Split('|')[2];
        return new()
        {
            { "garbage", "not a cursor at all" },
            { "undecodable bytes", B64("\u0001\u0002zz") },
            { "another order's", byIssued },
            { "another connection's", B64($"k1|Week|{signature}|[\"2017-01-28\"]") },
            { "values of the wrong type", B64($"k1|Detainer|{signature}|[\"yesterday\",5]") },
            { "too few values", B64($"k1|Detainer|{signature}|[5]") },
            { "a missing unique ID", B64($"k1|Detainer|{signature}|[\"2017-01-03\",null]") },
            { "broken JSON", B64($"k1|Detainer|{signature}|[\"2017-01-03\",") },
            { "an unknown version", B64($"k9|Detainer|{signature}|[\"2017-01-03\",5]") },
            { "huge", B64(new string('a', 100_000)) },
            { "a deep position of an earlier version", Paging.EncodeCursor(999_000) },
            { "a negative position", B64("offset:-3") },
        };
    }

    [Theory]
    [MemberData(nameof(ForeignCursors))]
    public async Task A_cursor_that_is_not_this_lists_is_an_invalid_cursor_error(string kind, string cursor)
    {
        // The list is ordered by citizenship: the "another order's" cursor was made for issuedOn.
        foreach (var argument in new[] { "after", "before" })
        {
            var result = await _app.QueryAsync($"query($c: String) {{ detainers(first: 3, {argument}: $c, order: [{{ citizenship: ASC }}]) {{ nodes {{ id }} }} }}", new { c = cursor });

            Assert.True(result.FirstErrorCode() == "INVALID_CURSOR", $"{kind}: {result}");
            Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("detainers").ValueKind);
            Assert.True(result.GetProperty("errors")[0].GetProperty("message").GetString()!.Length < 300, kind);
        }
    }

    [Fact]
    public async Task A_cursor_of_the_same_order_on_another_detainer_list_reads_from_the_same_position()
    {
        // The cursor names the order, not the field: a jurisdiction's detainers continue from a root page's cursor.
        var root = await _app.DataAsync("""{ detainers(first: 100, where: { jurisdiction: { name: { eq: "Travis County" } } }, order: [{ issuedOn: ASC }]) { edges { cursor node { id } } } }""");
        var edges = root.GetProperty("detainers").GetProperty("edges").EnumerateArray().ToList();
        Assert.True(edges.Count > 3);
        var nested = await _app.DataAsync("""query($c: String) { jurisdictions(where: { name: { eq: "Travis County" } }) { nodes { detainers(first: 100, after: $c, order: [{ issuedOn: ASC }]) { nodes { id } } } } }""", new { c = edges[1].GetProperty("cursor").GetString() });
        var ids = nested.GetProperty("jurisdictions").GetProperty("nodes")[0].GetProperty("detainers").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToList();
        Assert.Equal(edges.Skip(2).Select(e => e.GetProperty("node").GetProperty("id").GetString()), ids);
    }

    [Fact]
    public async Task Keys_taken_from_the_rows_read_make_the_same_cursors_as_keys_read_beside_them()
    {
        // Nullable and tied keys (outcome date, issue date), the unique ID last: the whole row and a narrow row.
        var narrow = (System.Linq.Expressions.Expression<Func<Detainer, Detainer>>)(d => new Detainer { Id = d.Id, IssuedOn = d.IssuedOn, OutcomeRecordedOn = d.OutcomeRecordedOn });
        var compared = await _app.WithDbAsync(async db =>
        {
            var order = KeysetOrder<Detainer>.Of(db.Detainers.OrderByDescending(d => d.OutcomeRecordedOn).ThenBy(d => d.IssuedOn).ThenBy(d => d.Id));
            var count = 0;
            foreach (var projection in new[] { null, narrow })
            {
                var fromRows = order.RowKeys(projection);
                Assert.NotNull(fromRows);
                var ordered = order.Order(order.Source, reversed: false);
                var beside = await ordered.Select(order.Keyed(projection)).ToListAsync();
                var rows = await (projection is null ? ordered : ordered.Select(projection)).ToListAsync();
                Assert.Equal(beside.Count, rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    Assert.Equal(KeysetCursor.Encode(order, beside[i].Keys), KeysetCursor.Encode(order, [.. fromRows.Select(key => key(rows[i]))]));
                    count++;
                }
            }
            return count;
        });
        Assert.Equal(2 * Rows, compared);
    }

    [Fact]
    public async Task Keys_the_row_does_not_hold_as_read_are_read_beside_it()
    {
        var refused = await _app.WithDbAsync(db =>
        {
            var byDate = KeysetOrder<Detainer>.Of(db.Detainers.OrderBy(d => d.IssuedOn).ThenBy(d => d.Id));
            var byName = KeysetOrder<Detainer>.Of(db.Detainers.OrderBy(d => d.Jurisdiction!.Name).ThenBy(d => d.Id));
            return Task.FromResult(new[]
            {
                // A navigation's column; a key the projection leaves out; a key the projection fills from another column.
                byName.RowKeys(null),
                byDate.RowKeys(d => new Detainer { Id = d.Id }),
                byDate.RowKeys(d => new Detainer { Id = d.Id, IssuedOn = d.OutcomeRecordedOn }),
            });
        });
        Assert.All(refused, Assert.Null);
    }
}
