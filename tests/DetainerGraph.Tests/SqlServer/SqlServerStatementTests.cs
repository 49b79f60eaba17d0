using System.Text;
using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Export;
using DetainerGraph.Import;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// Every statement shape the API and the CLI send to SQL Server, recorded without a server (see
/// <see cref="SqlServerCapture"/>) from the app's own resolvers, importers and correction writer, then checked:
/// it parses as T-SQL for SQL Server 2022 (ScriptDom's TSql160Parser), every table and column it names exists in the
/// schema the committed migration script builds (<see cref="SqlServerSchema"/>), it carries at most 2,100
/// parameters, and the set of distinct statements is a reviewed snapshot
/// (<c>__snapshots__/SqlServerStatementTests.The_statement_set_is_the_reviewed_snapshot.snap</c>).
/// </summary>
public sealed class SqlServerStatementTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    /// <summary>SQL Server refuses a request with more parameters than this (error 8003).</summary>
    public const int MaxParameters = 2_100;

    private const string DetainerFields = """
        id issuedOn outcome outcomeAsPublished outcomeRecordedOn detainerType detainerTypeAsPublished citizenship retracted
        jurisdiction { id name state fips fieldOffice kind }
        facility { id name city state jurisdiction { id name } }
        week { id start end report { number publishedOn } }
        charges { id description ncicCode category status published { description status } }
        corrections { id field oldValue newValue reason authority editor correctedOn recordedAt applied charge { id } source { fileName } }
        source { fileName format kind line section syntheticSeed importedAt url }
        published { outcome issuedOn }
        """;

    /// <summary>The GraphQL operations whose statements are checked: every filter operation, sort, page, count, grouping, lookup and nested load.</summary>
    public static readonly IReadOnlyList<(string Name, string Query)> Operations = BuildOperations();

    private static List<(string, string)> BuildOperations()
    {
        var list = new List<(string, string)>();
        void Detainers(string name, string arguments, string selection = "totalCount nodes { id }") =>
            list.Add((name, $"{{ detainers({arguments}) {{ {selection} }} }}"));

        foreach (var (op, value) in new[]
        {
            ("eq", "\"Mexico\""), ("eq", "null"), ("neq", "\"Mexico\""), ("neq", "null"), ("contains", "\"exi\""), ("ncontains", "\"exi\""),
            ("startsWith", "\"Mex\""), ("nstartsWith", "\"Mex\""), ("endsWith", "\"ico\""), ("nendsWith", "\"ico\""),
            ("in", "[\"Mexico\", \"Honduras\"]"), ("nin", "[\"Mexico\", \"Honduras\"]"),
            ("eqIgnoreCase", "\"MEXICO\""), ("containsIgnoreCase", "\"EXI\""), ("startsWithIgnoreCase", "\"MEX\""), ("endsWithIgnoreCase", "\"ICO\""),
        })
        {
            Detainers($"string {op} {value}", $"first: 5, where: {{ citizenship: {{ {op}: {value} }} }}");
        }
        foreach (var (op, value) in new[]
        {
            ("eq", "\"2017-01-30\""), ("eq", "null"), ("neq", "\"2017-01-30\""), ("gt", "\"2017-01-30\""), ("gte", "\"2017-01-30\""),
            ("lt", "\"2017-01-30\""), ("lte", "\"2017-01-30\""), ("in", "[\"2017-01-30\", \"2017-02-01\"]"), ("nin", "[\"2017-01-30\"]"),
        })
        {
            Detainers($"date {op}", $"first: 5, where: {{ issuedOn: {{ {op}: {value} }} }}");
        }
        foreach (var (op, value) in new[] { ("eq", "LIFTED"), ("neq", "LIFTED"), ("in", "[LIFTED, DECLINED_BY_LEA]"), ("nin", "[OPEN]") })
        {
            Detainers($"enum {op}", $"first: 5, where: {{ outcome: {{ {op}: {value} }}, detainerType: {{ {op}: {(value.StartsWith('[') ? "[I247D]" : "I247D")} }} }}");
        }
        Detainers("and or nested", """first: 5, where: { or: [{ citizenship: { eq: "Mexico" } }, { and: [{ outcomeRecordedOn: { gte: "2017-01-01" } }, { citizenship: { or: [{ startsWith: "H" }, { eq: "Guatemala" }] } }] }] }""");
        Detainers("nested jurisdiction", """first: 5, where: { jurisdiction: { state: { eq: "TX" }, name: { containsIgnoreCase: "county" }, fieldOffice: { in: ["Houston"] }, fips: { startsWith: "48" }, kind: { eq: COUNTY } } }""");
        Detainers("nested jurisdiction policies", """first: 5, where: { jurisdiction: { policies: { some: { name: { contains: "ICE" }, enactedOn: { gte: "2017-01-01" } } } } }""");
        Detainers("nested policies all none any", """first: 5, where: { jurisdiction: { policies: { all: { criteriaForHonoringDetainers: { ncontains: "warrant" } }, any: true } }, or: [{ jurisdiction: { policies: { none: { name: { eq: "x" } } } } }] }""");
        Detainers("nested facility", """first: 5, where: { facility: { name: { endsWith: "JAIL" }, city: { neq: "Erie" }, state: { eq: "PA" }, jurisdiction: { name: { eq: "Erie County" } } } }""");
        Detainers("nested week", """first: 5, where: { week: { start: { gte: "2017-01-28" }, end: { lte: "2017-02-10" } } }""");
        Detainers("charges some", """first: 5, where: { charges: { some: { description: { containsIgnoreCase: "assault" }, status: { eq: CONVICTION }, ncicCode: { in: ["1315"] } } } }""");
        Detainers("charges all none any", """first: 5, where: { charges: { all: { category: { neq: "Traffic Offense" } }, none: { status: { in: [CHARGE] } }, any: true } }""");
        Detainers("charges any false", """first: 5, where: { charges: { any: false } }""");
        Detainers("retracted included", "first: 5, includeRetracted: true");
        Detainers("id filters", $$"""first: 5, where: { id: { in: ["{{GlobalId.Encode("Detainer", 1)}}", "{{GlobalId.Encode("Detainer", 2)}}"], neq: "{{GlobalId.Encode("Detainer", 3)}}" }, jurisdiction: { id: { eq: "{{GlobalId.Encode("Jurisdiction", 1)}}" } }, facility: { id: { nin: ["{{GlobalId.Encode("Facility", 1)}}"] } } }""");
        Detainers("issued on or after", """first: 5, where: { issuedOnOrAfter: { gte: "2015-01-01" }, or: [{ issuedOnOrAfter: null }, { issuedOnOrAfter: { lt: "2016-01-01" } }] }""");
        Detainers("jurisdiction resolution and place of birth", """first: 5, where: { jurisdictionResolution: { in: [NAMED, RULE] }, placeOfBirth: { startsWith: "Mex" } }""");
        foreach (var order in new[]
        {
            "{ issuedOn: ASC }", "{ issuedOn: DESC }", "{ outcome: ASC }", "{ detainerType: DESC }", "{ citizenship: ASC }", "{ outcomeRecordedOn: DESC }", "{ issuedOnOrAfter: DESC }",
            "{ jurisdiction: { name: ASC } }", "{ jurisdiction: { state: DESC } }", "{ jurisdiction: { fieldOffice: ASC } }", "{ jurisdiction: { fips: ASC } }", "{ jurisdiction: { kind: ASC } }",
            "{ facility: { name: ASC } }", "{ facility: { city: DESC } }", "{ facility: { state: ASC } }", "{ week: { start: DESC } }",
        })
        {
            Detainers($"order {order}", $"first: 5, order: [{order}]");
        }
        Detainers("order several keys", "first: 5, order: [{ issuedOn: DESC }, { jurisdiction: { name: ASC } }, { outcome: ASC }]");
        Detainers("page after", "first: 5, after: \"b2Zmc2V0OjQ\"", "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id }");
        Detainers("page last before", "last: 5, before: \"b2Zmc2V0OjQ\"", "pageInfo { hasNextPage hasPreviousPage } nodes { id }");
        Detainers("page last", "last: 5", "totalCount nodes { id }");
        // Keyset cursors (the values of the item's sort keys and its ID): forward, backward, between two, and with missing values.
        const string SeveralKeys = "order: [{ issuedOn: DESC }, { jurisdiction: { name: ASC } }, { outcome: ASC }]";
        static System.Linq.IOrderedQueryable<Detainer> Several(System.Linq.IQueryable<Detainer> q) =>
            q.OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Jurisdiction!.Name).ThenBy(d => d.Outcome).ThenBy(d => d.Id);
        var keyset = DetainerGraph.Tests.Api.KeysetCursors.Detainer(Several, new DateOnly(2017, 1, 30), "Travis County", DetainerOutcome.Lifted, 12L);
        var missing = DetainerGraph.Tests.Api.KeysetCursors.Detainer(Several, null, null, DetainerOutcome.Open, 3L);
        Detainers("page after keyset", $"first: 5, after: \"{keyset}\", {SeveralKeys}", "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id }");
        Detainers("page last before keyset", $"last: 5, before: \"{keyset}\", {SeveralKeys}", "pageInfo { hasNextPage hasPreviousPage } nodes { id }");
        Detainers("page between keysets", $"first: 5, after: \"{keyset}\", before: \"{missing}\", {SeveralKeys}", "nodes { id }");
        Detainers("page after keyset of missing values", $"first: 5, after: \"{missing}\", {SeveralKeys}", "nodes { id }");
        Detainers("page after keyset default order", $"first: 5, after: \"{DetainerGraph.Tests.Api.KeysetCursors.Detainer(q => q.OrderBy(d => d.Id), 12L)}\"", "nodes { id }");
        Detainers("nested loads", "first: 3", $"nodes {{ {DetainerFields} }}");
        Detainers("edges", "first: 3", "edges { cursor node { id } }");

        foreach (var dimension in new[] { "STATE", "JURISDICTION", "FIELD_OFFICE", "WEEK", "OUTCOME", "DETAINER_TYPE", "CITIZENSHIP", "CHARGE_CATEGORY" })
        {
            list.Add(($"stats {dimension}", $"{{ detainerStats(groupBy: [{dimension}]) {{ count keys {{ state outcome detainerType citizenship chargeCategory fieldOffice jurisdiction {{ id name }} week {{ start }} }} }} }}"));
        }
        list.Add(("stats none", "{ detainerStats(groupBy: []) { count } }"));
        // Every other dimension, alone and with outcome counts (the rollup-backed paths), then filters that pick each rollup.
        const string AllKeys = "state outcome detainerType citizenship chargeCategory fieldOffice sourceKind jurisdictionResolution jurisdiction { id name } facility { id name } week { start } issuedYear { label } issuedQuarter { label } issuedMonth { label } outcomeYear { label } outcomeQuarter { label } outcomeMonth { label }";
        foreach (var dimension in new[] { "FACILITY", "SOURCE_KIND", "JURISDICTION_RESOLUTION", "PLACE_OF_BIRTH", "ISSUED_ON_OR_AFTER_YEAR", "ISSUED_YEAR", "ISSUED_QUARTER", "ISSUED_MONTH", "OUTCOME_YEAR", "OUTCOME_QUARTER", "OUTCOME_MONTH" })
        {
            list.Add(($"stats {dimension}", $"{{ detainerStats(groupBy: [{dimension}], order: KEY_ASC) {{ count syntheticExcluded outcomes {{ outcome count }} keys {{ {AllKeys} }} }} }}"));
        }
        foreach (var (name, arguments) in new[]
        {
            ("totals rollup", """groupBy: [OUTCOME, DETAINER_TYPE, ISSUED_MONTH], where: { issuedOn: { gte: "2017-01-01", lt: "2017-03-01" }, outcomeRecordedOn: { lte: "2017-12-31" } }"""),
            ("citizenship-week rollup", """groupBy: [CITIZENSHIP, WEEK], where: { week: { start: { gte: "2017-01-28" } }, citizenship: { in: ["Mexico", "Honduras"] } }"""),
            ("state-week rollup", """groupBy: [STATE, WEEK], where: { jurisdiction: { state: { eq: "TX" } }, week: { start: { lte: "2017-03-01" } } }"""),
            ("region-month rollup", """groupBy: [STATE, FIELD_OFFICE, ISSUED_QUARTER], where: { detainerType: { eq: I247D }, issuedOn: { gte: "2017-01-01" } }"""),
            ("region-week rollup", """groupBy: [FIELD_OFFICE, WEEK], where: { jurisdiction: { fieldOffice: { eq: "Houston" } }, detainerType: { neq: I247D } }"""),
            ("counts rollup", """groupBy: [JURISDICTION, FACILITY, SOURCE_KIND], includeSynthetic: true, where: { facility: { name: { startsWith: "T" } }, sourceKind: { eq: FILE } }"""),
            ("table", """groupBy: [JURISDICTION_RESOLUTION, OUTCOME_MONTH], where: { issuedOn: { gte: "2017-01-15" }, placeOfBirth: { eq: "x" } }"""),
            ("missing values", """groupBy: [STATE], where: { jurisdiction: null, week: null, outcomeRecordedOn: null }"""),
        })
        {
            list.Add(($"stats {name}", $"{{ detainerStats({arguments}, first: 10) {{ count syntheticExcluded outcomes {{ outcome count }} keys {{ {AllKeys} }} }} detainers({arguments[(arguments.IndexOf("where", StringComparison.Ordinal) is var w and >= 0 ? w : arguments.Length)..]}, first: 2) {{ totalCount syntheticExcluded nodes {{ id }} }} }}"));
        }
        list.Add(("detainer groups", """{ detainerGroups(groupBy: [STATE, ISSUED_MONTH], first: 5, after: "b2Zmc2V0OjQ", order: KEY_DESC, where: { outcome: { in: [LIFTED] } }) { totalCount syntheticExcluded pageInfo { hasNextPage } nodes { count syntheticExcluded keys { state issuedMonth { label } } } } }"""));
        list.Add(("place stats", """{ jurisdictions(first: 3) { nodes { stats(groupBy: [OUTCOME, WEEK]) { count syntheticExcluded } detainers(first: 2, includeSynthetic: true) { totalCount nodes { id } } } } facilities(first: 3, where: { name: { contains: "JAIL" }, jurisdiction: { state: { eq: "PA" } } }, order: [{ name: DESC }]) { totalCount syntheticExcluded nodes { id stats(groupBy: [ISSUED_MONTH], includeSynthetic: true) { count } detainers(first: 2) { totalCount syntheticExcluded nodes { id } } } } }"""));
        list.Add(("facility by id", $$"""{ facility(id: "{{GlobalId.Encode("Facility", 1)}}") { id name isSynthetic jurisdiction { id isSynthetic } detainers(first: 2) { totalCount nodes { id } } } }"""));
        list.Add(("synthetic detainers", """{ detainers(first: 3, where: { sourceKind: { eq: SYNTHETIC } }) { totalCount syntheticExcluded nodes { id isSynthetic } } all: detainers(first: 3, includeSynthetic: true) { totalCount syntheticExcluded } weeks(first: 3, where: { start: { lt: "2018-01-01" } }, order: [{ start: DESC }]) { totalCount syntheticExcluded nodes { isSynthetic } } }"""));
        list.Add(("weekly report with the demo", """{ weeklyReport(start: "2017-01-28", includeSynthetic: true) { sectionTwo(first: 5) { totalCount syntheticExcluded nodes { id } } totals { detainersRecorded declined } } }"""));

        list.Add(("stats several with where", """{ detainerStats(groupBy: [STATE, OUTCOME, CHARGE_CATEGORY], first: 50, includeRetracted: true, where: { issuedOn: { gte: "2017-01-01" }, jurisdiction: { state: { in: ["TX", "PA"] } } }) { count } }"""));

        list.Add(("jurisdictions", """{ jurisdictions(first: 5, where: { state: { eq: "PA" }, policies: { any: true } }, order: [{ name: DESC }]) { totalCount nodes { id name state kind fips fieldOffice source { fileName } policies { id name dateEnacted enactedOn criteriaForHonoringDetainers source { line } } facilities { id name city } corrections { id } detainers(first: 2, where: { outcome: { eq: LIFTED } }, order: [{ issuedOn: DESC }]) { totalCount nodes { id } } } } }"""));
        list.Add(("jurisdictions default order", "{ jurisdictions(last: 3) { nodes { id } } }"));
        list.Add(("weeks", """{ weeks(first: 5, where: { start: { gte: "2017-01-01" } }, order: [{ start: DESC }]) { totalCount nodes { id start end report { id number publishedOn detainersIssuedNationwide source { fileName } week { start } } detainers(first: 2) { totalCount nodes { id } } } } }"""));
        list.Add(("week", """{ week(start: "2017-01-28") { start report { number } } }"""));
        list.Add(("places published by default", """{ jurisdictions(first: 5) { totalCount syntheticExcluded nodes { id isSynthetic facilities { id isSynthetic } } } facilities(first: 5, where: { state: { eq: "PA" } }) { totalCount syntheticExcluded nodes { id isSynthetic } } weeks(first: 5) { totalCount syntheticExcluded nodes { id isSynthetic } } }"""));
        list.Add(("places with the demo's", """{ jurisdictions(first: 5, includeSynthetic: true) { totalCount nodes { id facilities(includeSynthetic: true) { id } } } facilities(first: 5, includeSynthetic: true) { totalCount nodes { id } } weeks(first: 5, includeSynthetic: true) { totalCount nodes { id } } }"""));
        list.Add(("lookups by id", $$"""
            {
              detainer(id: "{{GlobalId.Encode("Detainer", 1)}}") { id }
              jurisdiction(id: "{{GlobalId.Encode("Jurisdiction", 1)}}") { id name }
            }
            """));
        var ids = new[]
        {
            GlobalId.Encode("Detainer", 1), GlobalId.Encode("Jurisdiction", 1), GlobalId.Encode("Facility", 1), GlobalId.Encode("Policy", 1),
            GlobalId.Encode("Correction", 1), GlobalId.Encode("Charge", 1), GlobalId.Encode("Week", "2017-01-28"), GlobalId.Encode("Report", 1),
            GlobalId.Encode("SectionOneEntry", 1),
        };
        foreach (var id in ids)
        {
            list.Add(($"node {id}", $"{{ node(id: \"{id}\") {{ id }} }}"));
        }
        list.Add(("nodes", $"{{ nodes(ids: [{string.Join(", ", ids.Select(i => $"\"{i}\""))}]) {{ id }} }}"));
        list.Add(("weekly report", """
            {
              weeklyReport(start: "2017-01-28") {
                week { start end }
                report { number publishedOn detainersIssuedNationwide }
                sectionOne { id rank detainersIssued sourceNotes isCorrected retracted jurisdiction { name state } corrections { field oldValue newValue } published { rank } source { line } }
                sectionTwo(first: 50) { totalCount nodes { id issuedOn jurisdiction { state name } } }
                sectionThree { name dateEnacted }
                totals { detainersRecorded declined decliningJurisdictions detainersIssuedNationwide }
              }
            }
            """));
        // Wrapped in `and` so the jurisdiction and week lookups still run (a lone state or week range goes to the engine without SQL).
        list.Add(("search", """
            {
              searchCharges(query: "assault", first: 5, where: { jurisdiction: { and: [{ state: { eq: "PA" } }] }, week: { and: [{ start: { gte: "2017-01-01" } }] }, outcome: { in: [DECLINED_BY_LEA, LIFTED] } }) {
                totalCount nodes { score charge { id description detainer { id outcome } } detainer { id jurisdiction { name } charges { id } } }
                facets(fields: [OUTCOME, STATE, JURISDICTION, CHARGE_CATEGORY]) { field buckets { value label count } }
              }
            }
            """));
        list.Add(("search with charge filters", """{ searchCharges(query: "assault", first: 5, chargeStatus: [CONVICTION], chargeCategory: ["Assault"], sourceKind: [FILE, SYNTHETIC], where: { outcome: { nin: [OPEN] }, citizenship: { in: ["Mexico"] }, jurisdiction: { name: { startsWith: "T" } } }) { totalCount syntheticExcluded nodes { charge { id isSynthetic } } facets(fields: [JURISDICTION, WEEK, SOURCE_KIND, STATUS, CITIZENSHIP]) { buckets { value count jurisdiction { id name } week } } } }"""));
        list.Add(("search without filter", """{ searchCharges(query: "dui", first: 5) { totalCount nodes { charge { id description } detainer { id week { start } facility { name } source { fileName } corrections { id } } } } }"""));
        return list;
    }

    /// <summary>
    /// The exports whose statements are checked: <c>/export/{Export}.{Format}?{Query}</c>, run through the endpoint itself.
    /// The format changes only how rows are written (both are recorded, and give the same statements); what changes the
    /// SQL is the export, <c>includeRetracted</c>/<c>includeSynthetic</c>, a <c>where</c> and <c>order</c>, and for stats
    /// each dimension, order and rollup-picking filter (an export asks for every group with its outcome counts, unpaged,
    /// so its statements are not the API's).
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Export, string Format, string Query)> Exports = BuildExports();

    private static List<(string, string, string, string)> BuildExports()
    {
        static string Q(string json) => Uri.EscapeDataString(json);
        var list = new List<(string, string, string, string)>
        {
            ("export detainers.csv", "detainers", "csv", ""),
            ("export detainers.ndjson", "detainers", "ndjson", ""),
            ("export detainers retracted", "detainers", "csv", "includeRetracted=true"),
            ("export detainers synthetic", "detainers", "ndjson", "includeSynthetic=true"),
            ("export detainers retracted and synthetic", "detainers", "csv", "includeRetracted=true&includeSynthetic=true"),
            ("export detainers where and order", "detainers", "csv",
                "where=" + Q("""{"or":[{"jurisdiction":{"state":{"eq":"PA"}}},{"facility":{"state":{"eq":"PA"}}}],"outcome":{"in":["DECLINED_BY_LEA","LIFTED"]},"charges":{"some":{"category":{"eq":"Assault"}}}}""")
                + "&order=" + Q("""[{"issuedOn":"ASC"},{"jurisdiction":{"name":"DESC"}}]""")),
            ("export detainer-stats none", "detainer-stats", "csv", ""),
            ("export detainer-stats names of both places", "detainer-stats", "ndjson", "groupBy=JURISDICTION,FACILITY&includeRetracted=true&includeSynthetic=true"),
        };
        foreach (var dimension in Enum.GetValues<DetainerGraph.Detainers.DetainerStatsDimension>())
        {
            var name = System.Text.RegularExpressions.Regex.Replace(dimension.ToString(), "(?<=[a-z])(?=[A-Z])", "_").ToUpperInvariant();
            list.Add(($"export detainer-stats {name}", "detainer-stats", "csv", $"groupBy={name}"));
        }
        foreach (var order in new[] { "COUNT_ASC", "KEY_ASC", "KEY_DESC" })
        {
            list.Add(($"export detainer-stats order {order}", "detainer-stats", "csv", $"groupBy=STATE,ISSUED_MONTH&order={order}"));
        }
        foreach (var (name, groupBy, where) in new[]
        {
            ("totals rollup", "OUTCOME,DETAINER_TYPE,ISSUED_MONTH", """{"issuedOn":{"gte":"2017-01-01","lt":"2017-03-01"},"outcomeRecordedOn":{"lte":"2017-12-31"}}"""),
            ("citizenship-week rollup", "CITIZENSHIP,WEEK", """{"week":{"start":{"gte":"2017-01-28"}},"citizenship":{"in":["Mexico","Honduras"]}}"""),
            ("state-week rollup", "STATE,WEEK", """{"jurisdiction":{"state":{"eq":"TX"}},"week":{"start":{"lte":"2017-03-01"}}}"""),
            ("region-month rollup", "STATE,FIELD_OFFICE,ISSUED_QUARTER", """{"detainerType":{"eq":"I247D"},"issuedOn":{"gte":"2017-01-01"}}"""),
            ("region-week rollup", "FIELD_OFFICE,WEEK", """{"jurisdiction":{"fieldOffice":{"eq":"Houston"}},"detainerType":{"neq":"I247D"}}"""),
            ("counts rollup", "JURISDICTION,FACILITY,SOURCE_KIND", """{"facility":{"name":{"startsWith":"T"}},"sourceKind":{"eq":"FILE"}}"""),
            ("table", "JURISDICTION_RESOLUTION,OUTCOME_MONTH", """{"issuedOn":{"gte":"2017-01-15"},"placeOfBirth":{"eq":"x"}}"""),
            ("missing values", "STATE", """{"jurisdiction":null,"week":null,"outcomeRecordedOn":null}"""),
        })
        {
            list.Add(($"export detainer-stats {name}", "detainer-stats", "csv", $"groupBy={groupBy}&where={Q(where)}{(name == "counts rollup" ? "&includeSynthetic=true" : "")}"));
        }
        return list;
    }

    /// <summary>Runs one export through <see cref="ExportEndpoint"/> with the request's services; fails unless it answers 200.</summary>
    internal static async Task ExportAsync(IServiceProvider services, string export, string format, string query)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.QueryString = new QueryString(query.Length > 0 ? "?" + query : "");
        using var body = new MemoryStream();
        http.Response.Body = body;
        await services.GetRequiredService<ExportEndpoint>().HandleAsync(http, export, format);
        if (http.Response.StatusCode != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"/export/{export}.{format}?{query} answered {http.Response.StatusCode}: {Encoding.UTF8.GetString(body.ToArray())}");
        }
    }

    private sealed record Catalogue(IReadOnlyList<(string Origin, CapturedStatement Statement)> Statements);

    private static Catalogue? _catalogue;
    private static readonly SemaphoreSlim CatalogueLock = new(1, 1);

    /// <summary>Records every statement of the operations, writes and migrations above, once per test run.</summary>
    private async Task<Catalogue> CatalogueAsync()
    {
        await CatalogueLock.WaitAsync();
        try
        {
            return _catalogue ??= await RecordAsync(sample.App);
        }
        finally
        {
            CatalogueLock.Release();
        }
    }

    private static async Task<Catalogue> RecordAsync(TestApp sampleApp)
    {
        var app = sampleApp.Started();
        var recorded = new List<(string, CapturedStatement)>();
        // The keyset pages' cursors name real rows' sort keys, so they are read from the sample data's SQLite store first.
        foreach (var (name, query) in Operations.Concat(await KeysetPageOperations.BuildAsync(sampleApp)))
        {
            // Each operation twice: over an empty store, and with one row everywhere so nested fields are batch-loaded.
            foreach (var rows in new[] { CaptureRows.None, CaptureRows.One })
            {
                var capture = new SqlServerCapture(rows);
                await capture.ExecuteAsync(app, query, allowUnresolved: name.StartsWith("search", StringComparison.Ordinal));
                recorded.AddRange(capture.Statements.Select(s => (name, s)));
            }
        }
        foreach (var (name, write) in Writes())
        {
            var capture = new SqlServerCapture(CaptureRows.One);
            await capture.RunAsync(app, write);
            recorded.AddRange(capture.Statements.Select(s => (name, s)));
        }
        foreach (var (name, import) in Imports())
        {
            var capture = new SqlServerCapture(CaptureRows.None);
            try
            {
                await capture.RunAsync(app, services => ActivatorUtilities.CreateInstance<Importer>(services).ImportAsync(name, Encoding.UTF8.GetBytes(import)));
            }
            catch (InvalidOperationException e) when (e.Message.Contains("Bulk copies run inside", StringComparison.Ordinal))
            {
                // Detainers and charges go by SqlBulkCopy, which needs a real connection: its columns are checked by
                // SqlServerBulkCopyMappingTests; the key read-back that follows it is recorded below.
            }
            catch (ImportRejectedException) when (name == "corrections.csv")
            {
                // Made-up rows hold no Section I entry for the correction to target: its lookup is recorded, and the
                // Corrections INSERT it would send is the one the correction writes below record.
            }
            recorded.AddRange(capture.Statements.Select(s => (name, s)));
        }
        // The shipped files at start: each looked up by its file name (the made-up rows hold another version of each, so
        // none is imported again: the imports' statements are the ones recorded above).
        var shipped = new SqlServerCapture(CaptureRows.One);
        await shipped.RunAsync(app, services => ActivatorUtilities.CreateInstance<SampleData>(services).EnsureLoadedAsync(CancellationToken.None));
        recorded.AddRange(shipped.Statements.Select(s => ("sample data: shipped files looked up by name", s)));
        // The stats command's counts, placements and unplaced facilities.
        var stats = new SqlServerCapture(CaptureRows.One);
        await stats.RunAsync(app, async services =>
        {
            var db = services.GetRequiredService<DetainerDbContext>();
            await StoreStatistics.CountAsync(db);
            await StoreStatistics.PlacementsAsync(db);
            await StoreStatistics.UnresolvedFacilitiesAsync(db);
        });
        recorded.AddRange(stats.Statements.Select(s => ("cli: stats", s)));
        foreach (var (name, upkeep) in SearchUpkeep())
        {
            var capture = new SqlServerCapture(CaptureRows.One);
            await capture.RunAsync(app, upkeep);
            recorded.AddRange(capture.Statements.Select(s => (name, s)));
        }
        foreach (var (name, export, format, query) in Exports)
        {
            // A detainers export over an empty store, and with one row everywhere so it reads a chunk's charges. A stats
            // export reads the same statements either way, and the capture answers a grouped statement that starts with
            // SELECT COUNT(*) as a lone count (a row of zeros, month 0), so it is recorded with one row only.
            foreach (var rows in export == "detainers" ? [CaptureRows.None, CaptureRows.One] : new[] { CaptureRows.One })
            {
                var capture = new SqlServerCapture(rows);
                await capture.RunAsync(app, services => ExportAsync(services, export, format, query));
                recorded.AddRange(capture.Statements.Select(s => (name, s)));
            }
        }
        // A full chunk of a detainers export: its charges and corrections are read for 500 detainers at once.
        var chunk = new SqlServerCapture(CaptureRows.One);
        await chunk.RunAsync(app, services => DetainerExportRow.FillChunkAsync(services.GetRequiredService<DetainerDbContext>(),
            [.. Enumerable.Range(1, 500).Select(i => new DetainerExportRow { Id = i })], CancellationToken.None));
        recorded.AddRange(chunk.Statements.Select(s => ("export: a full chunk's charges and corrections (500 detainers)", s)));
        // A batch of more keys than SQL Server takes parameters (a JURISDICTION facet's labels at scale, a nested page of
        // pages): EF Core 10 then sends the keys as one JSON parameter read by OPENJSON instead of one parameter each.
        var wide = new SqlServerCapture(CaptureRows.None);
        await wide.RunAsync(app, async services =>
        {
            var jurisdictions = DetainerGraph.Jurisdictions.JurisdictionDataLoaders.JurisdictionById.Create(services);
            var pending = Enumerable.Range(1, 2_500).Select(jurisdictions.Load).ToList();
            await pending[0].GetResultAsync();
            var charges = DetainerGraph.Charges.ChargeDataLoaders.ChargesByDetainerId.Create(services);
            var loads = Enumerable.Range(1, 2_500).Select(i => charges.Load(i)).ToList();
            await loads[0].GetResultAsync();
        });
        recorded.AddRange(wide.Statements.Select(s => ("batch load of 2,500 keys", s)));
        var keys = new SqlServerCapture(CaptureRows.One);
        await keys.RunAsync(app, async services =>
        {
            var db = services.GetRequiredService<DetainerDbContext>();
            await ImportWriter.DetainerKeysAsync(db, 1, 2, 5_001, CancellationToken.None);
        });
        recorded.AddRange(keys.Statements.Select(s => ("import: detainer keys after the bulk copy", s)));
        return new Catalogue(recorded);
    }

    /// <summary>
    /// A write under an idempotency key the made-up rows already hold: the made-up earlier correction is not the same
    /// request, so the writer refuses it (IDEMPOTENCY_KEY_REUSED) after the look-up and the load this captures.
    /// </summary>
    private static async Task Replayed(Task write)
    {
        try
        {
            await write;
        }
        catch (GraphQL.ExecutionError e) when (e.Code == "IDEMPOTENCY_KEY_REUSED")
        {
        }
    }

    /// <summary>The four correction writes, with and without an idempotency key, through the writer the mutations call.</summary>
    private static IEnumerable<(string, Func<IServiceProvider, Task>)> Writes()
    {
        var request = new CorrectionRequest(null, "ICE's own corrected record", "U.S. Immigration and Customs Enforcement", null);
        var keyed = request with { IdempotencyKey = "retry-1" };
        static CorrectionWriter Writer(IServiceProvider s) => ActivatorUtilities.CreateInstance<CorrectionWriter>(s);
        yield return ("correct detainer outcome", s => Writer(s).CorrectDetainerAsync(1, DetainerField.Outcome, null, request with { NewValue = "LIFTED" }, "alice", default));
        yield return ("correct detainer jurisdiction", s => Writer(s).CorrectDetainerAsync(1, DetainerField.Jurisdiction, null, request with { NewValue = GlobalId.Encode("Jurisdiction", 2) }, "alice", default));
        yield return ("correct detainer facility", s => Writer(s).CorrectDetainerAsync(1, DetainerField.Facility, null, request with { NewValue = GlobalId.Encode("Facility", 2) }, "alice", default));
        yield return ("correct detainer citizenship", s => Writer(s).CorrectDetainerAsync(1, DetainerField.Citizenship, null, request with { NewValue = "Honduras" }, "alice", default));
        yield return ("correct detainer issued on", s => Writer(s).CorrectDetainerAsync(1, DetainerField.IssuedOn, null, request with { NewValue = "2017-02-01" }, "alice", default));
        yield return ("correct charge description", s => Writer(s).CorrectDetainerAsync(1, DetainerField.ChargeDescription, 1, request with { NewValue = "Assault" }, "alice", default));
        yield return ("correct charge status", s => Writer(s).CorrectDetainerAsync(1, DetainerField.ChargeStatus, 1, request with { NewValue = "CONVICTION" }, "alice", default));
        yield return ("correct detainer replayed", s => Replayed(Writer(s).CorrectDetainerAsync(1, DetainerField.Outcome, null, keyed with { NewValue = "LIFTED" }, "alice", default)));
        yield return ("retract detainer", s => Writer(s).RetractDetainerAsync(1, request, "alice", default));
        yield return ("correct section one rank", s => Writer(s).CorrectSectionOneEntryAsync(1, SectionOneEntryField.Rank, request with { NewValue = "3" }, "alice", default));
        yield return ("correct section one detainers issued", s => Writer(s).CorrectSectionOneEntryAsync(1, SectionOneEntryField.DetainersIssued, request with { NewValue = "12" }, "alice", default));
        yield return ("correct section one jurisdiction", s => Writer(s).CorrectSectionOneEntryAsync(1, SectionOneEntryField.Jurisdiction, request with { NewValue = GlobalId.Encode("Jurisdiction", 2) }, "alice", default));
        yield return ("retract section one entry", s => Replayed(Writer(s).RetractSectionOneEntryAsync(1, keyed, "alice", default)));
        yield return ("restore detainer", s => NotRetracted(Writer(s).RestoreDetainerAsync(1, request, "alice", default)));
        yield return ("restore detainer replayed", s => NotRetracted(Replayed(Writer(s).RestoreDetainerAsync(1, keyed, "alice", default))));
        yield return ("restore section one entry", s => NotRetracted(Writer(s).RestoreSectionOneEntryAsync(1, request, "alice", default)));
    }

    /// <summary>
    /// A restore of a record the made-up rows hold as not retracted: the writer refuses it (NOT_RETRACTED) after the
    /// look-ups this captures; its write is the retraction's UPDATE of the same flag, recorded above.
    /// </summary>
    private static async Task NotRetracted(Task write)
    {
        try
        {
            await write;
        }
        catch (GraphQL.ExecutionError e) when (e.Code == "NOT_RETRACTED")
        {
        }
    }

    /// <summary>
    /// What keeps the search index in step with the database (the outbox drain of an import's source and of a corrected
    /// detainer, a rebuild with its replay of the writes made meanwhile, the start-up catch-up, the index lag), with an
    /// engine that only reads what it is handed.
    /// </summary>
    private static IEnumerable<(string, Func<IServiceProvider, Task>)> SearchUpkeep()
    {
        static SearchOutbox Outbox(IServiceProvider s) =>
            new(new ReadingOnlySearch(), s.GetRequiredService<SearchOutboxSignal>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<SearchOutbox>.Instance);
        static DetainerDbContext Db(IServiceProvider s) => s.GetRequiredService<DetainerDbContext>();
        yield return ("search: index a source", s => Outbox(s).IndexSourceAsync(Db(s), 1, default));
        yield return ("search: index a detainer", s => Outbox(s).IndexDetainerAsync(Db(s), 1, default));
        yield return ("search: rebuild and replay", s => Outbox(s).RebuildAsync(Db(s), default));
        yield return ("search: catch up at start", s => Outbox(s).CatchUpAsync(Db(s), default));
        yield return ("search: index lag", s => SearchOutbox.LagAsync(Db(s), default));
        // At start, before the catch-up: the stored categories re-derived when the rules they were derived by changed.
        yield return ("start: re-derive charge categories", s => ChargeClassifications.RecomputeIfStaleAsync(
            Db(s), s.GetRequiredService<DetainerGraph.Reference.ReferenceData>(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, default));
    }

    /// <summary>An engine that reads every document it is handed and holds none.</summary>
    private sealed class ReadingOnlySearch : DetainerGraph.Search.IChargeSearch
    {
        public Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct) => Task.CompletedTask;

        public Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct) => Task.CompletedTask;

        public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct)
        {
            await foreach (var _ in documents.WithCancellation(ct))
            {
            }
        }

        public Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct) =>
            Task.FromResult(new ChargeSearchResult(0, [], [], null));

        public Task<long> CountAsync(CancellationToken ct) => Task.FromResult(0L);

        public Task<bool> IsAnalysisCurrentAsync(CancellationToken ct) => Task.FromResult(true);
    }

    /// <summary>One small file of each import format, over an empty store.</summary>
    private static IEnumerable<(string, string)> Imports()
    {
        yield return ("reports.csv", "report_number,week_start,week_end,published_on,detainers_issued_nationwide,source_notes\n1,2017-01-28,2017-02-03,2017-03-20,3083,first\n2,2017-02-04,2017-02-10,2017-03-27,2000,second\n");
        yield return ("section1.csv", "report_week,rank,state,county,detainers_issued_in_week,source_notes\n2017-01-28..2017-02-03,1,NV,Clark County,51,usatoday\n2017-01-28..2017-02-03,2,TX,Travis County,40,\n");
        yield return ("section3.csv", "jurisdiction_(AOR),date_enacted,policy,criteria_for_honoring_detainer\n\"Travis County, Texas (San Antonio)\",January 2017,A policy,\"court order\"\n");
        yield return ("corrections.csv", "report_week,section,rank,state,county,field,old_value,new_value,corrected_on,reason,authority\n2017-01-28..2017-02-03,I,1,NV,Clark County,jurisdiction,\"Clark County, NV\",,2017-04,Attributed in error,ICE\n");
        yield return ("foia.csv", SampleRows.Foia);
        yield return ("section2.csv", SampleRows.SectionTwo);
    }

    [Fact]
    public async Task Every_statement_parses_as_sql_server_2022_t_sql()
    {
        var catalogue = await CatalogueAsync();

        var failures = catalogue.Statements
            .Select(s => (s.Origin, s.Statement, Errors: ParseErrors(s.Statement.Text)))
            .Where(s => s.Errors.Count > 0)
            .Select(s => $"{s.Origin}: {string.Join("; ", s.Errors)}\n{s.Statement.Text}")
            .ToList();

        Assert.True(catalogue.Statements.Count > 100, $"only {catalogue.Statements.Count} statements were recorded");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Every_table_and_column_a_statement_names_exists_in_the_migration_script()
    {
        var distinct = Distinct((await CatalogueAsync()).Statements);

        var errors = SqlServerSchema.FromCommittedScript.Check([.. distinct.Select(d => d.Statement)]);

        Assert.Empty(errors.Select(e => e.Statement >= 0 ? $"{distinct[e.Statement].Origin}: {e.Error}\n{distinct[e.Statement].Statement.Text}" : e.Error));
    }

    [Fact]
    public void The_checker_reports_a_column_the_script_lacks()
    {
        var statement = new CapturedStatement("SELECT [d].[Id], [d].[NoSuchColumn] FROM [Detainers] AS [d] WHERE [d].[Citizenship] = @p0",
            [new CapturedParameter("@p0", "nvarchar(100)", "Mexico")]);
        var fine = new CapturedStatement("SELECT [d].[Id] FROM [Detainers] AS [d] WHERE [d].[Citizenship] = @p0", statement.Parameters);

        var errors = SqlServerSchema.FromCommittedScript.Check([fine, statement]);

        var error = Assert.Single(errors);
        Assert.Equal(1, error.Statement);
        Assert.Contains("unknown column [d].[NoSuchColumn]", error.Error, StringComparison.Ordinal);
        var write = new CapturedStatement("INSERT INTO [Corrections] ([Field], [Mood]) OUTPUT INSERTED.[Id] VALUES (@p0, @p0)", statement.Parameters);
        Assert.Equal(["unknown column Corrections.Mood"], SqlServerSchema.FromCommittedScript.Check([write]).Select(e => e.Error));
        Assert.Single(SqlServerSchema.FromCommittedScript.Check([new CapturedStatement("SELECT [x].[Id] FROM [Detainerz] AS [x]", [])]), e => e.Error == "unknown table [Detainerz]");
        Assert.NotEmpty(ParseErrors("SELECT [d].[Id] FROM [Detainers] AS [d] WHERE LIMIT 3"));
        // An UPDATE or DELETE of a FROM clause's alias (EF Core's ExecuteUpdate), and a list read through OPENJSON.
        var aliasedUpdate = new CapturedStatement("UPDATE [s] SET [s].[Mood] = NULL FROM [SearchOutbox] AS [s] WHERE [s].[Id] > @p0", statement.Parameters);
        Assert.Contains("unknown column SearchOutbox.Mood", SqlServerSchema.FromCommittedScript.Check([aliasedUpdate]).Select(e => e.Error));
        var aliasedDelete = new CapturedStatement("DELETE FROM [s] FROM [SearchOutboxes] AS [s] WHERE [s].[Id] > @p0", statement.Parameters);
        Assert.Contains("unknown table [SearchOutboxes]", SqlServerSchema.FromCommittedScript.Check([aliasedDelete]).Select(e => e.Error));
        var json = new CapturedStatement("SELECT [j].[Id] FROM [Jurisdictions] AS [j] WHERE [j].[Id] IN (SELECT [o].[Value] FROM OPENJSON(@p0) WITH ([Value] int '$') AS [o]) AND [x].[Id] = 1", statement.Parameters);
        Assert.Equal(["unknown table or alias [x] (in [x].[Id])"], SqlServerSchema.FromCommittedScript.Check([json]).Select(e => e.Error));
    }

    [Fact]
    public async Task No_statement_carries_more_than_2100_parameters()
    {
        var catalogue = await CatalogueAsync();

        var widest = catalogue.Statements.MaxBy(s => s.Statement.Parameters.Count);

        Assert.True(widest.Statement.Parameters.Count <= MaxParameters, $"{widest.Origin}: {widest.Statement.Parameters.Count} parameters");
    }

    [Fact]
    public async Task The_statement_set_is_the_reviewed_snapshot()
    {
        var distinct = Distinct((await CatalogueAsync()).Statements);

        var text = new StringBuilder()
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"-- {distinct.Count} distinct statements; at most {distinct.Max(d => d.Statement.Parameters.Count)} parameters in one.\n");
        foreach (var (origin, statement) in distinct)
        {
            text.Append("\n-- from: ").Append(origin).Append('\n').Append(statement.Normalized).Append('\n');
        }

        Snapshot.Match(text.ToString());
    }

    /// <summary>
    /// An export reads in one SNAPSHOT transaction on one connection, opened with Multiple Active Result Sets (a chunk's
    /// charges are read while the detainers' result is open), and the request's context gets its connection string back.
    /// </summary>
    [Fact]
    public async Task An_export_reads_in_one_snapshot_transaction_on_one_connection_with_mars()
    {
        foreach (var (export, query) in new[] { ("detainers", ""), ("detainer-stats", "groupBy=JURISDICTION,FACILITY") })
        {
            var capture = new SqlServerCapture(CaptureRows.One);
            string? after = null;
            await capture.RunAsync(sample.App.Started(), async services =>
            {
                await ExportAsync(services, export, "csv", query);
                after = services.GetRequiredService<DetainerDbContext>().Database.GetConnectionString();
            });

            Assert.Equal([System.Data.IsolationLevel.Snapshot], capture.Transactions);
            // The capture never really opens a connection, so EF Core asks again for each statement: every time with MARS.
            Assert.NotEmpty(capture.OpenedWith);
            Assert.All(capture.OpenedWith, opened => Assert.True(new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(opened).MultipleActiveResultSets, opened));
            Assert.False(new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(after).MultipleActiveResultSets, after);
            Assert.True(capture.Statements.Count >= 3, string.Join("\n", capture.Commands));
        }
    }

    [Fact]
    public async Task Sql_server_compares_text_case_sensitively_like_sqlite()
    {
        var distinct = Distinct((await CatalogueAsync()).Statements);
        var schema = SqlServerSchema.FromCommittedScript;

        // Every text column is binary-collated, and no statement overrides a column's collation.
        var textColumns = schema.Tables.Values.SelectMany(c => c).Where(c => c.StoreType.StartsWith("nvarchar", StringComparison.OrdinalIgnoreCase) || c.StoreType.StartsWith("nchar", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(textColumns);
        Assert.All(textColumns.Where(c => c.Table != "__EFMigrationsHistory"), c => Assert.True(c.Collation == SqlServerDetainerDbContext.TextCollation, $"{c.Table}.{c.Name} is {c.Collation ?? "the database default"}"));
        Assert.DoesNotContain(distinct, d => d.Statement.Text.Contains("COLLATE", StringComparison.OrdinalIgnoreCase));
        // eq compares the column itself (case-sensitive); eqIgnoreCase lowers the column, and the value is sent lowered.
        var eq = Assert.Single(distinct, d => d.Origin == "string eq \"Mexico\"" && d.Statement.Text.Contains("ORDER BY", StringComparison.Ordinal));
        Assert.Contains("[d].[Citizenship] = @", eq.Statement.Text, StringComparison.Ordinal);
        var ignoreCase = Assert.Single(distinct, d => d.Origin == "string eqIgnoreCase \"MEXICO\"" && d.Statement.Text.Contains("ORDER BY", StringComparison.Ordinal));
        Assert.Contains("LOWER([d].[Citizenship]) = @", ignoreCase.Statement.Text, StringComparison.Ordinal);
    }

    /// <summary>Distinct statements (text and parameter types), first origin kept, in a stable order.</summary>
    private static List<(string Origin, CapturedStatement Statement)> Distinct(IReadOnlyList<(string Origin, CapturedStatement Statement)> statements) =>
        [.. statements.GroupBy(s => s.Statement.Normalized).Select(g => g.First()).OrderBy(s => s.Statement.Normalized, StringComparer.Ordinal)];

    internal static List<string> ParseErrors(string sql)
    {
        SqlServerSchema.Parse(sql, out var errors);
        return [.. errors.Select(e => $"line {e.Line}: {e.Message}")];
    }
}
