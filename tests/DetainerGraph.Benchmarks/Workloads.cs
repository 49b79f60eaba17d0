using System.Text.Json;
using System.Text.Json.Serialization;
using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Benchmarks;

/// <summary>
/// One kind of request, asked two ways: through the GraphQL endpoint over HTTP, and straight to the engine
/// underneath in this process (Lucene.NET through <see cref="IChargeSearch"/>, EF Core or plain SQL over
/// SQLite, serialized with System.Text.Json). Request <c>i</c> of a run is the same question on both sides.
/// </summary>
public sealed class Workload(string name, string description, int variants, Func<int, byte[]> endpointBody, Func<int, Task> raw, Func<int, string>? label = null)
{
    // Each variant's request body encoded once: the endpoint side's timed calls send bytes, as a client would that had
    // its request ready, instead of serializing it again inside the measured time.
    private readonly byte[][] _bodies = [.. Enumerable.Range(0, variants).Select(endpointBody)];

    public string Label(int variant) => label?.Invoke(variant) ?? variant.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public string Name { get; } = name;
    public string Description { get; } = description;
    public int Variants { get; } = variants;
    public byte[] EndpointBody(int i) => _bodies[i % Variants];
    public Task RawAsync(int i) => raw(i % Variants);
}

public static class Workloads
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static byte[] Body(string query, object? variables) =>
        JsonSerializer.SerializeToUtf8Bytes(new { query, variables }, Json);

    // The data set is generated, so every query asks for synthetic records (answers are published-only by default).

    // ---- search: words, a phrase, typos, prefixes, synonyms, with and without filters ----

    private const string SearchQuery = """
        query Search($q: String!, $w: DetainerFilterInput, $s: [ChargeStatus!]) {
          searchCharges(query: $q, where: $w, chargeStatus: $s, first: 10, includeSynthetic: true) {
            totalCount
            nodes { score highlight charge { description ncicCode } detainer { outcome issuedOn } }
          }
        }
        """;

    // Each filtered search as the endpoint receives it (a DetainerFilterInput, plus chargeStatus) and as the
    // engine receives it directly. The endpoint resolves a state or a week range to jurisdiction ids or week
    // starts with one indexed SQL query first; that lookup is part of what the endpoint costs.
    private static readonly (string Query, ChargeSearchFilter? Filter, object? Where, string[]? Statuses)[] Searches =
    [
        ("assault", null, null, null),
        ("\"driving under influence\"", null, null, null),
        ("asault", null, null, null),
        ("assa*", null, null, null),
        ("dui", new() { States = ["TX"] }, new { jurisdiction = new { state = new { eq = "TX" } } }, null),
        ("agg assault", null, null, null),
        ("cocaine", new() { Outcomes = [DetainerOutcome.BookedIntoDetention] }, new { outcome = new { eq = "BOOKED_INTO_DETENTION" } }, null),
        ("burglary", new() { WeekFrom = new DateOnly(2017, 6, 3) }, new { week = new { start = new { gte = "2017-06-03" } } }, null),
        ("drivin*", new() { States = ["CA"] }, new { jurisdiction = new { state = new { eq = "CA" } } }, null),
        ("larceny", null, null, null),
        ("traffic offense", new() { Statuses = [ChargeStatus.Conviction] }, null, new[] { "CONVICTION" }),
        ("burglery", null, null, null),
    ];

    public static Workload Search(IServiceProvider raw) => new(
        "search",
        $"searchCharges, first 10 with highlight, {Searches.Length} queries: words, a phrase, typos (asault, burglery), prefixes, a synonym (dui), 5 with a where",
        Searches.Length,
        i => Body(SearchQuery, new { q = Searches[i].Query, w = Searches[i].Where, s = Searches[i].Statuses }),
        async i =>
        {
            // The bare engine, beneath instrumentation and the time limit, then the same answer the endpoint gives:
            // the 10 hits' charges and detainers in one query, serialized. Without those the raw side answered a
            // smaller question (ids and highlights only) and the overhead compared unequal work.
            var engine = raw.GetRequiredKeyedService<IChargeSearch>(SearchServiceExtensions.Engine);
            var (text, filter, _, _) = Searches[i];
            var result = await engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(text), filter ?? new ChargeSearchFilter(), 0, 10, []), CancellationToken.None);
            var ids = result.Hits.Select(h => h.ChargeId).ToList();
            await using var scope = raw.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var charges = await db.Charges.AsNoTracking().Where(c => ids.Contains(c.Id))
                .Select(c => new { c.Id, c.Description, c.NcicCode, c.Detainer.Outcome, c.Detainer.IssuedOn })
                .ToDictionaryAsync(c => c.Id);
            var nodes = result.Hits.Select(h => charges.TryGetValue(h.ChargeId, out var c)
                ? new { score = h.Score, highlight = h.Highlight, charge = new { description = c.Description, ncicCode = c.NcicCode }, detainer = new { outcome = c.Outcome, issuedOn = c.IssuedOn } }
                : null);
            await JsonSerializer.SerializeAsync(Stream.Null, new { totalCount = result.TotalCount, nodes }, Json);
        },
        i => Searches[i].Query + (Searches[i].Filter is null ? "" : " (where)"));

    // ---- list: a front-end page of 50 detainers, filtered and sorted, with what a table shows ----

    private const string ListQuery = """
        query List($w: DetainerFilterInput, $o: [DetainerSortInput!]) {
          detainers(first: 50, where: $w, order: $o, includeSynthetic: true) {
            pageInfo { hasNextPage endCursor }
            nodes {
              id issuedOn outcome citizenship
              jurisdiction { name state }
              facility { name city }
              week { start end }
              charges { description ncicCode category status }
            }
          }
        }
        """;

    private static readonly (object Where, object Order)[] Lists =
    [
        (new { jurisdiction = new { state = new { eq = "TX" } }, outcome = new { @in = new[] { "BOOKED_INTO_DETENTION", "OPEN" } } }, new[] { new { issuedOn = "DESC" } }),
        (new { jurisdiction = new { state = new { eq = "CA" } } }, new[] { new { issuedOn = "DESC" } }),
        (new { week = new { start = new { gte = "2017-06-03" } }, citizenship = new { eq = "Guatemala" } }, new[] { new { issuedOn = "DESC" } }),
        (new { outcome = new { eq = "DECLINED_BY_LEA" } }, new object[] { new { jurisdiction = new { name = "ASC" } }, new { issuedOn = "DESC" } }),
    ];

    // Without retracted detainers, as the endpoint answers by default (the generated store has none, so the rows are the same).
    private static IQueryable<Detainer> RawList(DetainerDbContext db, int i) => i switch
    {
        0 => db.Detainers.Where(d => !d.Retracted && d.Jurisdiction!.State == "TX" && (d.Outcome == DetainerOutcome.BookedIntoDetention || d.Outcome == DetainerOutcome.Open))
            .OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id),
        1 => db.Detainers.Where(d => !d.Retracted && d.Jurisdiction!.State == "CA").OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id),
        2 => db.Detainers.Where(d => !d.Retracted && d.WeekStart >= new DateOnly(2017, 6, 3) && d.Citizenship == "Guatemala").OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id),
        _ => db.Detainers.Where(d => !d.Retracted && d.Outcome == DetainerOutcome.DeclinedByLea).OrderBy(d => d.Jurisdiction!.Name).ThenByDescending(d => d.IssuedOn).ThenBy(d => d.Id),
    };

    public static Workload List(IServiceProvider raw) => new(
        "list",
        "detainers(first: 50) with jurisdiction, facility, week and charges; 4 filter+sort variants",
        Lists.Length,
        i => Body(ListQuery, new { w = Lists[i].Where, o = Lists[i].Order }),
        async i =>
        {
            await using var scope = raw.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            // Two statements, as the endpoint reads it: the page, then its charges by detainer. (The one-statement form
            // this replaced was blamed for scaling worse than serial at 1M; the cause was the throughput run, which ran
            // every raw client one after another: see Runner.ThroughputAsync.)
            var rows = await ProjectPage(RawList(db, i).Take(51)).ToListAsync();
            var ids = rows.Select(r => r.Id).ToList();
            var charges = await db.Charges.AsNoTracking().Where(c => ids.Contains(c.DetainerId))
                .OrderBy(c => c.DetainerId).ThenBy(c => c.Ordinal)
                .Select(c => new { c.DetainerId, Row = new ChargeRow { Description = c.Description, NcicCode = c.NcicCode, Category = c.Category, Status = c.Status } })
                .ToListAsync();
            var byDetainer = rows.ToDictionary(r => r.Id);
            foreach (var charge in charges)
            {
                byDetainer[charge.DetainerId].Charges.Add(charge.Row);
            }
            var page = new { hasNextPage = rows.Count > 50, nodes = rows.Take(50) };
            await JsonSerializer.SerializeAsync(Stream.Null, page, Json);
        });

    // ---- count: totalCount of the list filters, and of all detainers and every decline (the peer's shapes) ----

    // includeSynthetic, like the list and stats workloads: every generated detainer is synthetic, so a published-only
    // count is of nothing, and its first: 0 page still probes for one matching row in id order, a full scan.
    private const string CountQuery = """
        query Count($w: DetainerFilterInput) { detainers(first: 0, where: $w, includeSynthetic: true) { totalCount } }
        """;

    private static readonly object?[] Counts = [.. Lists.Select(l => l.Where), null];

    private static IQueryable<Detainer> RawCount(DetainerDbContext db, int i) => i switch
    {
        0 => db.Detainers.Where(d => d.Jurisdiction!.State == "TX" && (d.Outcome == DetainerOutcome.BookedIntoDetention || d.Outcome == DetainerOutcome.Open)),
        1 => db.Detainers.Where(d => d.Jurisdiction!.State == "CA"),
        2 => db.Detainers.Where(d => d.WeekStart >= new DateOnly(2017, 6, 3) && d.Citizenship == "Guatemala"),
        3 => db.Detainers.Where(d => d.Outcome == DetainerOutcome.DeclinedByLea),
        _ => db.Detainers,
    };

    // The raw side is the best plain implementation: the same (smallest covering) rollup read through EF Core, without GraphQL
    // (a COUNT(*) over Detainers is what the endpoint used to do, and far slower).
    public static Workload Count(IServiceProvider raw) => new(
        "count",
        $"detainers(first: 0) {{ totalCount }} for the {Lists.Length} list filters and all detainers; raw: the same rollup query through EF Core",
        Counts.Length,
        i => Body(CountQuery, new { w = Counts[i] }),
        async i =>
        {
            await using var scope = raw.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var count = await DetainerCountRollup.CountAsync(db, RawCount(db, i).Where(d => !d.Retracted), CancellationToken.None);
            await JsonSerializer.SerializeAsync(Stream.Null, new { totalCount = count }, Json);
        });

    private static IQueryable<DetainerRow> ProjectPage(IQueryable<Detainer> detainers) =>
        detainers.AsNoTracking().Select(d => new DetainerRow
        {
            Id = d.Id,
            IssuedOn = d.IssuedOn,
            Outcome = d.Outcome,
            Citizenship = d.Citizenship,
            Jurisdiction = d.Jurisdiction == null ? null : new NamedRow { Name = d.Jurisdiction.Name, Place = d.Jurisdiction.State },
            Facility = d.Facility == null ? null : new NamedRow { Name = d.Facility.Name, Place = d.Facility.City },
            WeekStart = d.WeekStart,
            WeekEnd = d.Week == null ? null : d.Week.End,
        });

    private static IQueryable<DetainerRow> Project(IQueryable<Detainer> detainers) =>
        detainers.AsNoTracking().Select(d => new DetainerRow
        {
            Id = d.Id,
            IssuedOn = d.IssuedOn,
            Outcome = d.Outcome,
            Citizenship = d.Citizenship,
            Jurisdiction = d.Jurisdiction == null ? null : new NamedRow { Name = d.Jurisdiction.Name, Place = d.Jurisdiction.State },
            Facility = d.Facility == null ? null : new NamedRow { Name = d.Facility.Name, Place = d.Facility.City },
            WeekStart = d.WeekStart,
            WeekEnd = d.Week == null ? null : d.Week.End,
            Charges = d.Charges.OrderBy(c => c.Ordinal).Select(c => new ChargeRow { Description = c.Description, NcicCode = c.NcicCode, Category = c.Category, Status = c.Status }).ToList(),
        });

    // ---- stats: detainerStats by state and week ----

    private static readonly (string Where, object? Variables)[] Stats =
    [
        ("", null),
        ("AND d.\"Outcome\" IN ('DeclinedByLea', 'Lifted')", new { w = new { outcome = new { @in = new[] { "DECLINED_BY_LEA", "LIFTED" } } } }),
    ];

    private const string StatsQuery = """
        query Stats($w: DetainerFilterInput) {
          detainerStats(groupBy: [STATE, WEEK], where: $w, includeSynthetic: true) { keys { state week { start } } count }
        }
        """;

    public static Workload StatsWorkload(IServiceProvider raw) => new(
        "stats",
        "detainerStats(groupBy: [STATE, WEEK]), without and with an outcome filter; raw: the same GROUP BY in plain SQL over the DetainerStateWeekCounts rollup",
        Stats.Length,
        i => Body(StatsQuery, Stats[i].Variables),
        async i =>
        {
            await using var scope = raw.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT d."State", d."WeekStart", SUM(d."Count") AS n
                FROM "DetainerStateWeekCounts" d
                WHERE NOT d."Retracted" {Stats[i].Where}
                GROUP BY d."State", d."WeekStart" ORDER BY n DESC LIMIT 1000
                """;
            var groups = new List<StatsRow>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    groups.Add(new StatsRow(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2)));
                }
            }
            await JsonSerializer.SerializeAsync(Stream.Null, groups, Json);
        });

    // ---- node: one detainer by global id, with what a detail view shows ----

    private const string NodeQuery = """
        query Node($id: ID!) {
          node(id: $id) {
            id
            ... on Detainer {
              issuedOn outcome citizenship
              jurisdiction { name state }
              facility { name city }
              week { start end }
              charges { description ncicCode category status }
            }
          }
        }
        """;

    public static Workload Node(IServiceProvider raw, int detainers)
    {
        var ids = Enumerable.Range(0, Math.Min(200, detainers)).Select(k => 1 + ((long)k * detainers / Math.Min(200, detainers))).ToArray();
        return new(
            "node",
            $"node(id:) for one detainer with jurisdiction, facility, week and charges; {ids.Length} ids spread over the table",
            ids.Length,
            i => Body(NodeQuery, new { id = GlobalId.Encode("Detainer", ids[i]) }),
            async i =>
            {
                await using var scope = raw.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
                var id = ids[i];
                var row = await Project(db.Detainers.Where(d => d.Id == id)).FirstOrDefaultAsync();
                await JsonSerializer.SerializeAsync(Stream.Null, row ?? throw new InvalidOperationException($"detainer {id} is missing"), Json);
            });
    }

    private sealed class DetainerRow
    {
        public long Id { get; init; }
        public DateOnly? IssuedOn { get; init; }
        public DetainerOutcome Outcome { get; init; }
        public string? Citizenship { get; init; }
        public NamedRow? Jurisdiction { get; init; }
        public NamedRow? Facility { get; init; }
        public DateOnly? WeekStart { get; init; }
        public DateOnly? WeekEnd { get; init; }
        public List<ChargeRow> Charges { get; init; } = [];
    }

    private sealed class NamedRow
    {
        public required string Name { get; init; }
        public string? Place { get; init; }
    }

    private sealed class ChargeRow
    {
        public required string Description { get; init; }
        public string? NcicCode { get; init; }
        public string? Category { get; init; }
        public ChargeStatus Status { get; init; }
    }

    private sealed record StatsRow(string? State, string? Week, int Count);
}
