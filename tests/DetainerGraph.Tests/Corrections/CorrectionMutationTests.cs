using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Corrections;

/// <summary>What each mutation writes, returns and refuses, and what reads show afterwards.</summary>
public sealed class CorrectionMutationTests : IAsyncLifetime
{
    private readonly TestApp _app = EditorClient.NewApp();
    private string _token = "";
    private JsonElement _mexico;

    private const string CorrectDetainer = """
        mutation($input: CorrectDetainerInput!) {
          correctDetainer(input: $input) {
            detainer {
              id outcome issuedOn citizenship retracted
              jurisdiction { name }
              charges { id description ncicCode category status published { description status } }
              published { outcome issuedOn citizenship jurisdiction { name } }
              corrections { field oldValue newValue reason authority editor applied correctedOn recordedAt source { fileName } charge { id } }
            }
            correction { field oldValue newValue editor }
          }
        }
        """;

    public async Task InitializeAsync()
    {
        await EditorClient.ImportFixtureAsync(_app);
        _token = EditorClient.Token(_app);
        // Detainer "a" (a published row in the `detainers` format): Travis County, Mexico, declined, charges DUI (conviction) and cocaine (charge).
        _mexico = (await _app.DataAsync("""
            { detainers(where: { citizenship: { eq: "Mexico" }, charges: { some: { status: { eq: CONVICTION } } } }) {
                nodes { id outcome charges { id description status } } } }
            """)).GetProperty("detainers").GetProperty("nodes")[0];
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private string DetainerId => _mexico.GetProperty("id").GetString()!;

    private string ChargeId(int index) => _mexico.GetProperty("charges")[index].GetProperty("id").GetString()!;

    private static object Input(string id, string field, string? newValue, string? chargeId = null, string? key = null) =>
        new { input = InputOf(id, field, newValue, chargeId, key) };

    private static object InputOf(string id, string field, string? newValue, string? chargeId = null, string? key = null) =>
        new { id, field, newValue, chargeId, reason = "ICE's later release says otherwise", source = "ICE FOIA 2018-ICFO-12345", idempotencyKey = key };

    [Fact]
    public async Task Correcting_the_outcome_shows_the_new_value_keeps_the_published_one_and_appends_the_correction()
    {
        var data = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "LIFTED"), _token);

        var detainer = data.GetProperty("correctDetainer").GetProperty("detainer");
        Assert.Equal("LIFTED", detainer.GetProperty("outcome").GetString());
        Assert.Equal("DECLINED_BY_LEA", detainer.GetProperty("published").GetProperty("outcome").GetString());
        var correction = Assert.Single(detainer.GetProperty("corrections").EnumerateArray());
        Assert.Equal("outcome", correction.GetProperty("field").GetString());
        Assert.Equal("DECLINED_BY_LEA", correction.GetProperty("oldValue").GetString());
        Assert.Equal("LIFTED", correction.GetProperty("newValue").GetString());
        Assert.Equal("alice", correction.GetProperty("editor").GetString());
        Assert.Equal("ICE's later release says otherwise", correction.GetProperty("reason").GetString());
        Assert.Equal("ICE FOIA 2018-ICFO-12345", correction.GetProperty("authority").GetString());
        Assert.True(correction.GetProperty("applied").GetBoolean());
        Assert.Equal(JsonValueKind.Null, correction.GetProperty("source").ValueKind);
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), correction.GetProperty("correctedOn").GetString());
        Assert.Equal(correction.GetProperty("newValue").GetString(), data.GetProperty("correctDetainer").GetProperty("correction").GetProperty("newValue").GetString());

        // The row keeps the lift reason as the source spelled it; filters and counts see the corrected value.
        var asPublished = await _app.WithDbAsync(db => db.Detainers.Where(d => d.Citizenship == "Mexico" && d.OutcomeAsPublished != null).Select(d => d.OutcomeAsPublished).ToListAsync());
        Assert.Contains("Detainer Declined by LEA", asPublished);
        var reads = await _app.DataAsync("""
            query($id: ID!) {
              lifted: detainers(where: { outcome: { eq: LIFTED } }) { nodes { id } }
              stats: detainerStats(groupBy: [OUTCOME], where: { outcome: { eq: LIFTED } }) { count }
              search: searchCharges(query: "cocaine", where: { outcome: { eq: LIFTED } }) { nodes { detainer { id } } }
              node(id: $id) { ... on Detainer { outcome } }
            }
            """, new { id = DetainerId });
        Assert.Equal(DetainerId, Assert.Single(reads.GetProperty("lifted").GetProperty("nodes").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(1, Assert.Single(reads.GetProperty("stats").EnumerateArray()).GetProperty("count").GetInt32());
        Assert.Equal(DetainerId, Assert.Single(reads.GetProperty("search").GetProperty("nodes").EnumerateArray()).GetProperty("detainer").GetProperty("id").GetString());
        Assert.Equal("LIFTED", reads.GetProperty("node").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_write_and_its_search_outbox_row_commit_together_and_the_row_is_drained()
    {
        await _app.EditAsync(CorrectDetainer, Input(DetainerId, "CITIZENSHIP", "Guatemala"), _token);

        var rows = await _app.WithDbAsync(db => db.SearchOutbox.Where(e => e.DetainerId != null).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Null(row.SourceId);
        Assert.NotNull(row.ProcessedAt);
        var search = await _app.DataAsync("""{ searchCharges(query: "cocaine", where: { citizenship: { eq: "Guatemala" } }) { totalCount } }""");
        Assert.Equal(1, search.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_charge_correction_needs_the_charge_rematches_its_ncic_code_and_keeps_the_published_text()
    {
        var missing = await _app.PostAsync(CorrectDetainer, Input(DetainerId, "CHARGE_DESCRIPTION", "Heroin - Sell"), _token);
        var otherDetainersCharge = (await _app.DataAsync("""{ detainers(where: { citizenship: { eq: "Guatemala" } }, first: 1) { nodes { charges { id } } } }"""))
            .GetProperty("detainers").GetProperty("nodes")[0].GetProperty("charges")[0].GetProperty("id").GetString();
        var foreign = await _app.PostAsync(CorrectDetainer, Input(DetainerId, "CHARGE_STATUS", "CONVICTION", otherDetainersCharge), _token);
        var chargeOnOutcome = await _app.PostAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "LIFTED", ChargeId(1)), _token);

        var data = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "CHARGE_DESCRIPTION", "Heroin - Sell", ChargeId(1)), _token);
        await _app.EditAsync(CorrectDetainer, Input(DetainerId, "CHARGE_STATUS", "CONVICTION", ChargeId(1)), _token);

        Assert.Equal(["CHARGE_ID_REQUIRED"], EditorClient.ErrorCodes(missing));
        Assert.Equal(["NOT_FOUND"], EditorClient.ErrorCodes(foreign));
        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(chargeOnOutcome));
        var charge = data.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("charges")[1];
        Assert.Equal("Heroin - Sell", charge.GetProperty("description").GetString());
        Assert.Equal("3510", charge.GetProperty("ncicCode").GetString());
        Assert.Equal("Cocaine - Sell", charge.GetProperty("published").GetProperty("description").GetString());
        var correction = Assert.Single(data.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("corrections").EnumerateArray());
        Assert.Equal("charge.description", correction.GetProperty("field").GetString());
        Assert.Equal(ChargeId(1), correction.GetProperty("charge").GetProperty("id").GetString());

        var after = await _app.DataAsync("""
            query($id: ID!) {
              node(id: $id) { ... on Charge { status description published { status description } } }
              heroin: searchCharges(query: "heroin") { nodes { charge { id } } }
              cocaine: searchCharges(query: "cocaine") { totalCount }
            }
            """, new { id = ChargeId(1) });
        Assert.Equal("CONVICTION", after.GetProperty("node").GetProperty("status").GetString());
        Assert.Equal("CHARGE", after.GetProperty("node").GetProperty("published").GetProperty("status").GetString());
        Assert.Equal(ChargeId(1), Assert.Single(after.GetProperty("heroin").GetProperty("nodes").EnumerateArray()).GetProperty("charge").GetProperty("id").GetString());
        Assert.Equal(0, after.GetProperty("cocaine").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Dates_jurisdiction_and_citizenship_are_corrected_and_cleared_and_published_keeps_the_first_value()
    {
        var clark = (await _app.DataAsync("""{ jurisdictions(where: { name: { eq: "Clark County" } }) { nodes { id } } }"""))
            .GetProperty("jurisdictions").GetProperty("nodes")[0].GetProperty("id").GetString();

        await _app.EditAsync(CorrectDetainer, Input(DetainerId, "ISSUED_ON", "2017-01-19"), _token);
        await _app.EditAsync(CorrectDetainer, Input(DetainerId, "JURISDICTION", clark), _token);
        await _app.EditAsync(CorrectDetainer, Input(DetainerId, "CITIZENSHIP", null), _token);
        var data = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "ISSUED_ON", "2017-01-18"), _token);

        var detainer = data.GetProperty("correctDetainer").GetProperty("detainer");
        Assert.Equal("2017-01-18", detainer.GetProperty("issuedOn").GetString());
        Assert.Equal("Clark County", detainer.GetProperty("jurisdiction").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, detainer.GetProperty("citizenship").ValueKind);
        var published = detainer.GetProperty("published");
        Assert.Equal("2017-01-20", published.GetProperty("issuedOn").GetString());
        Assert.Equal("Travis County", published.GetProperty("jurisdiction").GetProperty("name").GetString());
        Assert.Equal("Mexico", published.GetProperty("citizenship").GetString());
        Assert.Equal(["issuedOn", "jurisdiction", "citizenship", "issuedOn"],
            detainer.GetProperty("corrections").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        Assert.Equal("2017-01-19", detainer.GetProperty("corrections")[3].GetProperty("oldValue").GetString());
    }

    [Theory]
    [InlineData("OUTCOME", "NOT_AN_OUTCOME", "INVALID_VALUE")]
    [InlineData("OUTCOME", null, "INVALID_VALUE")]
    [InlineData("OUTCOME", "DECLINED_BY_LEA", "NO_CHANGE")]
    [InlineData("ISSUED_ON", "1/20/2017", "INVALID_VALUE")]
    [InlineData("JURISDICTION", "not-an-id", "INVALID_VALUE")]
    [InlineData("JURISDICTION", "SnVyaXNkaWN0aW9uOjk5OTk5", "NOT_FOUND")]
    [InlineData("FACILITY", "SnVyaXNkaWN0aW9uOjE", "INVALID_VALUE")]
    [InlineData("CITIZENSHIP", "   ", "INVALID_VALUE")]
    public async Task A_bad_value_is_refused_with_a_code_and_changes_nothing(string field, string? value, string code)
    {
        var before = await _app.CountsAsync();

        var result = await _app.PostAsync(CorrectDetainer, Input(DetainerId, field, value), _token);

        Assert.Equal([code], EditorClient.ErrorCodes(result));
        Assert.Equal(before, await _app.CountsAsync());
        Assert.Equal(0, await _app.WithDbAsync(db => db.SearchOutbox.CountAsync(e => e.DetainerId != null)));
    }

    [Fact]
    public async Task The_authority_goes_in_as_authority_as_it_comes_back_and_source_is_its_earlier_name()
    {
        object With(string? authority, string? source, string newValue = "LIFTED")
        {
            var input = new Dictionary<string, object?> { ["id"] = DetainerId, ["field"] = "OUTCOME", ["newValue"] = newValue, ["reason"] = "ICE's later release" };
            if (authority is not null)
            {
                input["authority"] = authority;
            }
            if (source is not null)
            {
                input["source"] = source;
            }
            return new { input };
        }
        var before = await _app.CountsAsync();

        var neither = await _app.PostAsync(CorrectDetainer, With(null, null), _token);
        var differing = await _app.PostAsync(CorrectDetainer, With("ICE FOIA 1", "ICE FOIA 2"), _token);

        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(neither));
        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(differing));
        Assert.Equal(before, await _app.CountsAsync());

        var data = await _app.EditAsync(CorrectDetainer, With("ICE FOIA 2018-ICFO-12345", null), _token);
        var correction = Assert.Single(data.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("corrections").EnumerateArray());
        Assert.Equal("ICE FOIA 2018-ICFO-12345", correction.GetProperty("authority").GetString());
        // Both names, saying the same: one authority.
        var again = await _app.EditAsync(CorrectDetainer, With("ICE FOIA 3", "ICE FOIA 3", "OPEN"), _token);
        Assert.Equal("ICE FOIA 3", again.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("corrections")[1].GetProperty("authority").GetString());
    }

    [Fact]
    public async Task Unknown_ids_ids_of_another_type_malformed_ids_and_empty_reasons_are_refused()
    {
        var unknown = await _app.PostAsync(CorrectDetainer, Input("RGV0YWluZXI6OTk5OTk5", "OUTCOME", "LIFTED"), _token);
        var wrongType = await _app.PostAsync(CorrectDetainer, Input(ChargeId(0), "OUTCOME", "LIFTED"), _token);
        var noReason = await _app.PostAsync(CorrectDetainer,
            new { input = new { id = DetainerId, field = "OUTCOME", newValue = "LIFTED", reason = " ", source = "s" } }, _token);
        // "Detainer:abc" and "Charge:1x": the right type, a key that is no number (the fuzz suite found these
        // answered INTERNAL_SERVER_ERROR).
        var notANumber = await _app.PostAsync(CorrectDetainer, Input("RGV0YWluZXI6YWJj", "OUTCOME", "LIFTED"), _token);
        var chargeNotANumber = await _app.PostAsync(CorrectDetainer, Input(DetainerId, "CHARGE_STATUS", "CHARGE", chargeId: "Q2hhcmdlOjF4"), _token);

        Assert.Equal(["NOT_FOUND"], EditorClient.ErrorCodes(unknown));
        Assert.Equal(["ID_TYPE_MISMATCH"], EditorClient.ErrorCodes(wrongType));
        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(noReason));
        Assert.Equal(["INVALID_ID"], EditorClient.ErrorCodes(notANumber));
        Assert.Equal(["INVALID_ID"], EditorClient.ErrorCodes(chargeNotANumber));
    }

    [Fact]
    public async Task A_retracted_detainer_leaves_lists_counts_and_search_unless_asked_for_and_takes_no_more_corrections()
    {
        const string Retract = """
            mutation($input: RetractDetainerInput!) {
              retractDetainer(input: $input) { detainer { id retracted corrections { field oldValue newValue } } }
            }
            """;
        const string Reads = """
            {
              all: detainers { totalCount }
              audit: detainers(includeRetracted: true) { totalCount }
              travis: jurisdictions(where: { name: { eq: "Travis County" } }) { nodes { detainers { totalCount } all: detainers(includeRetracted: true) { totalCount } } }
              stats: detainerStats(groupBy: []) { count }
              auditStats: detainerStats(groupBy: [], includeRetracted: true) { count }
              search: searchCharges(query: "cocaine") { totalCount }
            }
            """;
        var before = await _app.DataAsync(Reads);

        var data = await _app.EditAsync(Retract, new { input = new { id = DetainerId, reason = "Listed in error", source = "ICE" } }, _token);
        var again = await _app.PostAsync(Retract, new { input = new { id = DetainerId, reason = "Listed in error", source = "ICE" } }, _token);
        var correctAfter = await _app.PostAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "LIFTED"), _token);

        var retracted = data.GetProperty("retractDetainer").GetProperty("detainer");
        Assert.True(retracted.GetProperty("retracted").GetBoolean());
        var correction = Assert.Single(retracted.GetProperty("corrections").EnumerateArray());
        Assert.Equal(("retracted", "false", "true"), (correction.GetProperty("field").GetString(), correction.GetProperty("oldValue").GetString(), correction.GetProperty("newValue").GetString()));
        Assert.Equal(["ALREADY_RETRACTED"], EditorClient.ErrorCodes(again));
        Assert.Equal(["RECORD_RETRACTED"], EditorClient.ErrorCodes(correctAfter));

        var after = await _app.DataAsync(Reads);
        int Count(JsonElement e, string name) => e.GetProperty(name).GetProperty("totalCount").GetInt32();
        Assert.Equal(Count(before, "all") - 1, Count(after, "all"));
        Assert.Equal(Count(before, "all"), Count(after, "audit"));
        var travisBefore = before.GetProperty("travis").GetProperty("nodes")[0];
        var travisAfter = after.GetProperty("travis").GetProperty("nodes")[0];
        Assert.Equal(Count(travisBefore, "detainers") - 1, Count(travisAfter, "detainers"));
        Assert.Equal(Count(travisBefore, "detainers"), Count(travisAfter, "all"));
        Assert.Equal(before.GetProperty("stats")[0].GetProperty("count").GetInt32() - 1, after.GetProperty("stats")[0].GetProperty("count").GetInt32());
        Assert.Equal(before.GetProperty("stats")[0].GetProperty("count").GetInt32(), after.GetProperty("auditStats")[0].GetProperty("count").GetInt32());
        Assert.Equal(1, Count(before, "search"));
        Assert.Equal(0, Count(after, "search"));
        var node = await _app.DataAsync("query($id: ID!) { detainer(id: $id) { retracted } }", new { id = DetainerId });
        Assert.True(node.GetProperty("detainer").GetProperty("retracted").GetBoolean());
    }

    [Fact]
    public async Task A_retraction_made_in_error_is_restored_and_the_detainer_counts_lists_searches_and_takes_corrections_again()
    {
        const string Retract = """
            mutation($input: RetractDetainerInput!) { retractDetainer(input: $input) { detainer { retracted } } }
            """;
        const string Restore = """
            mutation($input: RestoreDetainerInput!) {
              restoreDetainer(input: $input) {
                detainer { id retracted corrections { field oldValue newValue reason authority editor } }
                correction { field oldValue newValue }
              }
            }
            """;
        const string Reads = """
            {
              all: detainers { totalCount }
              travis: jurisdictions(where: { name: { eq: "Travis County" } }) { nodes { detainers { totalCount } } }
              stats: detainerStats(groupBy: [OUTCOME]) { keys { outcome } count }
              search: searchCharges(query: "cocaine") { totalCount }
            }
            """;
        var before = (await _app.DataAsync(Reads)).GetRawText();
        var notRetracted = await _app.PostAsync(Restore, new { input = new { id = DetainerId, reason = "r", source = "s" } }, _token);
        await _app.EditAsync(Retract, new { input = new { id = DetainerId, reason = "Listed in error", source = "ICE" } }, _token);
        var retracted = (await _app.DataAsync(Reads)).GetRawText();

        var data = await _app.EditAsync(Restore, new { input = new { id = DetainerId, reason = "The retraction named the wrong detainer", source = "ICE", idempotencyKey = "restore-1" } }, _token);
        var replay = await _app.EditAsync(Restore, new { input = new { id = DetainerId, reason = "The retraction named the wrong detainer", source = "ICE", idempotencyKey = "restore-1" } }, _token);
        var again = await _app.PostAsync(Restore, new { input = new { id = DetainerId, reason = "r", source = "s" } }, _token);
        var after = (await _app.DataAsync(Reads)).GetRawText();

        Assert.Equal(["NOT_RETRACTED"], EditorClient.ErrorCodes(notRetracted));
        Assert.NotEqual(before, retracted);
        // Every count, list, group and search answers as before the retraction.
        Assert.Equal(before, after);
        var restored = data.GetProperty("restoreDetainer");
        Assert.False(restored.GetProperty("detainer").GetProperty("retracted").GetBoolean());
        Assert.Equal(("retracted", "true", "false"), (restored.GetProperty("correction").GetProperty("field").GetString(),
            restored.GetProperty("correction").GetProperty("oldValue").GetString(), restored.GetProperty("correction").GetProperty("newValue").GetString()));
        // The history keeps the retraction, then its undoing, with who and why.
        var history = restored.GetProperty("detainer").GetProperty("corrections").EnumerateArray()
            .Select(c => (c.GetProperty("oldValue").GetString(), c.GetProperty("newValue").GetString(), c.GetProperty("reason").GetString())).ToList();
        Assert.Equal([("false", "true", "Listed in error"), ("true", "false", "The retraction named the wrong detainer")], history);
        Assert.Equal(restored.GetProperty("correction").GetRawText(), replay.GetProperty("restoreDetainer").GetProperty("correction").GetRawText());
        Assert.Equal(["NOT_RETRACTED"], EditorClient.ErrorCodes(again));
        var corrected = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "LIFTED"), _token);
        Assert.Equal("LIFTED", corrected.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_section_one_entry_retracted_in_error_is_listed_again_once_restored()
    {
        const string Listed = """{ weeklyReport(start: "2017-01-28") { sectionOne { id retracted jurisdiction { name } } } }""";
        var before = (await _app.DataAsync(Listed)).GetProperty("weeklyReport").GetProperty("sectionOne");
        var id = before[0].GetProperty("id").GetString();
        await _app.EditAsync("""
            mutation($input: RetractSectionOneEntryInput!) { retractSectionOneEntry(input: $input) { sectionOneEntry { retracted } } }
            """, new { input = new { id, reason = "Not a top-ten jurisdiction", source = "ICE" } }, _token);
        var whileRetracted = (await _app.DataAsync(Listed)).GetProperty("weeklyReport").GetProperty("sectionOne");

        var restored = await _app.EditAsync("""
            mutation($input: RestoreSectionOneEntryInput!) { restoreSectionOneEntry(input: $input) {
              sectionOneEntry { retracted corrections { field oldValue newValue } } } }
            """, new { input = new { id, reason = "It was", source = "ICE" } }, _token);
        var after = (await _app.DataAsync(Listed)).GetProperty("weeklyReport").GetProperty("sectionOne");

        Assert.DoesNotContain(whileRetracted.EnumerateArray(), e => e.GetProperty("id").GetString() == id);
        Assert.Equal(before.GetRawText(), after.GetRawText());
        var entry = restored.GetProperty("restoreSectionOneEntry").GetProperty("sectionOneEntry");
        Assert.False(entry.GetProperty("retracted").GetBoolean());
        Assert.Equal(["false>true", "true>false"], entry.GetProperty("corrections").EnumerateArray()
            .Select(c => $"{c.GetProperty("oldValue").GetString()}>{c.GetProperty("newValue").GetString()}"));
    }

    [Fact]
    public async Task Section_one_entries_are_corrected_and_retracted_with_their_published_values_kept()
    {
        const string Entries = """
            query($all: Boolean) { weeklyReport(start: "2017-01-28") { sectionOne(includeRetracted: $all) {
              id rank detainersIssued retracted jurisdiction { name }
              published { rank detainersIssued jurisdiction { name } }
              corrections { field oldValue newValue applied editor }
            } } }
            """;
        var clark = (await _app.DataAsync(Entries, new { all = false })).GetProperty("weeklyReport").GetProperty("sectionOne")[0];
        Assert.Equal("Clark County", clark.GetProperty("jurisdiction").GetProperty("name").GetString());
        var id = clark.GetProperty("id").GetString();
        const string Correct = """
            mutation($input: CorrectSectionOneEntryInput!) { correctSectionOneEntry(input: $input) {
              sectionOneEntry { rank detainersIssued published { detainersIssued } corrections { field } } correction { oldValue newValue } } }
            """;

        var count = await _app.EditAsync(Correct, new { input = new { id, field = "DETAINERS_ISSUED", newValue = "49", reason = "Recount", source = "ICE" } }, _token);
        var badRank = await _app.PostAsync(Correct, new { input = new { id, field = "RANK", newValue = "0", reason = "r", source = "s" } }, _token);
        await _app.EditAsync("""
            mutation($input: RetractSectionOneEntryInput!) { retractSectionOneEntry(input: $input) { sectionOneEntry { retracted } } }
            """, new { input = new { id, reason = "Not a top-ten jurisdiction", source = "ICE" } }, _token);

        var corrected = count.GetProperty("correctSectionOneEntry");
        Assert.Equal(49, corrected.GetProperty("sectionOneEntry").GetProperty("detainersIssued").GetInt32());
        Assert.Equal(51, corrected.GetProperty("sectionOneEntry").GetProperty("published").GetProperty("detainersIssued").GetInt32());
        Assert.Equal(("51", "49"), (corrected.GetProperty("correction").GetProperty("oldValue").GetString(), corrected.GetProperty("correction").GetProperty("newValue").GetString()));
        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(badRank));
        var listed = (await _app.DataAsync(Entries, new { all = false })).GetProperty("weeklyReport").GetProperty("sectionOne");
        var audited = (await _app.DataAsync(Entries, new { all = true })).GetProperty("weeklyReport").GetProperty("sectionOne");
        Assert.DoesNotContain(listed.EnumerateArray(), e => e.GetProperty("id").GetString() == id);
        var retracted = Assert.Single(audited.EnumerateArray(), e => e.GetProperty("id").GetString() == id);
        Assert.True(retracted.GetProperty("retracted").GetBoolean());
        Assert.Equal(["detainersIssued", "retracted"], retracted.GetProperty("corrections").EnumerateArray().Select(c => c.GetProperty("field").GetString()));
        // ICE's own imported correction stays a note: not applied, no editor, and the entry keeps its published jurisdiction.
        var montgomery = Assert.Single(audited.EnumerateArray(), e => e.GetProperty("jurisdiction").GetProperty("name").GetString() == "Montgomery County");
        var ice = Assert.Single(montgomery.GetProperty("corrections").EnumerateArray());
        Assert.False(ice.GetProperty("applied").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ice.GetProperty("editor").ValueKind);
        Assert.Equal("Montgomery County", montgomery.GetProperty("published").GetProperty("jurisdiction").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_correction_instead_of_writing_again()
    {
        var first = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "LIFTED", key: "retry-1"), _token);
        var retry = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "LIFTED", key: "retry-1"), _token);
        var otherRecord = (await _app.DataAsync("""{ detainers(where: { citizenship: { eq: "Honduras" } }) { nodes { id } } }"""))
            .GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString()!;
        var reused = await _app.PostAsync(CorrectDetainer, Input(otherRecord, "OUTCOME", "LIFTED", key: "retry-1"), _token);
        // Another editor's key space is their own.
        var bob = await _app.EditAsync(CorrectDetainer, Input(DetainerId, "OUTCOME", "CASE_CLOSED", key: "retry-1"), EditorClient.Token(_app, "bob"));

        Assert.Equal(1, first.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("corrections").GetArrayLength());
        Assert.Equal(1, retry.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("corrections").GetArrayLength());
        Assert.Equal(["IDEMPOTENCY_KEY_REUSED"], EditorClient.ErrorCodes(reused));
        Assert.Equal(2, bob.GetProperty("correctDetainer").GetProperty("detainer").GetProperty("corrections").GetArrayLength());
        Assert.Equal(2, await _app.WithDbAsync(db => db.Corrections.CountAsync(c => c.Editor != null)));
    }

    [Fact]
    public async Task Two_mutations_in_one_request_stand_or_fall_on_their_own()
    {
        var result = await _app.PostAsync("""
            mutation($ok: CorrectDetainerInput!, $bad: CorrectDetainerInput!) {
              ok: correctDetainer(input: $ok) { detainer { citizenship } }
              bad: correctDetainer(input: $bad) { detainer { citizenship } }
            }
            """, new
        {
            ok = InputOf(DetainerId, "CITIZENSHIP", "El Salvador"),
            bad = InputOf(DetainerId, "ISSUED_ON", "someday"),
        }, _token);

        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(result));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Corrections.CountAsync(c => c.Editor != null)));
        var issued = await _app.WithDbAsync(db => db.Detainers.Where(d => d.Citizenship == "El Salvador").Select(d => d.IssuedOn).SingleAsync());
        Assert.Equal(new DateOnly(2017, 1, 20), issued);
    }
}
