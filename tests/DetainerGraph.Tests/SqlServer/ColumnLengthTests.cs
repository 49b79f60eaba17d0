using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// Text longer than its SQL Server column is refused at the edge, on both providers, with the line and the column:
/// by every importer (checked on the parsed rows, so every format) and by the correction mutations and tokens. The
/// maxima come from the EF model (<see cref="ColumnLengths"/>), the lengths the migration script declares.
/// </summary>
public sealed class ColumnLengthTests
{
    private const string DetainersHeader = "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\n";

    private static readonly int ChargeMax = SqlServerCapture.Context(new SqlServerCapture()).Model.MaxLength((Charge c) => c.Description);

    private static string DetainersFile(string charge, string citizenship = "Mexico") =>
        DetainersHeader +
        "a,TX,Travis County,,Mexico,,2017-01-30,,,ASSAULT,Charge\n" +
        $"b,TX,Travis County,,{citizenship},,2017-01-30,,,\"{charge}\",Charge\n";

    [Fact]
    public void Every_text_column_of_the_model_has_a_maximum_length()
    {
        using var db = SqlServerCapture.Context(new SqlServerCapture());

        var unbounded = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
            .Where(p => p.ClrType == typeof(string) && p.GetMaxLength() is null)
            .Select(p => $"{p.DeclaringType.ShortName()}.{p.Name}");

        Assert.Empty(unbounded);
        Assert.Equal(400, ChargeMax);
    }

    [Fact]
    public async Task A_charge_longer_than_its_column_is_refused_with_its_line_and_nothing_is_written_on_sqlite()
    {
        using var app = new TestApp();

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportAsync("long.csv", DetainersFile(new string('x', ChargeMax + 1))));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("Charges.Description", error.Column);
        Assert.Contains("at most 400 characters", error.Expected, StringComparison.Ordinal);
        Assert.StartsWith("long.csv:3 [Charges.Description]: 'xxx", error.ToString(), StringComparison.Ordinal);
        Assert.All(await app.CountsAsync(), c => Assert.Equal(0, c.Value));
    }

    [Fact]
    public async Task A_charge_of_exactly_its_column_length_imports()
    {
        using var app = new TestApp();

        var result = await app.ImportAsync("exact.csv", DetainersFile(new string('x', ChargeMax)));

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Equal(ChargeMax, await app.WithDbAsync(db => db.Charges.MaxAsync(c => c.Description.Length)));
    }

    [Fact]
    public async Task The_sql_server_import_refuses_the_same_file_before_it_writes_anything()
    {
        using var app = new TestApp();
        var capture = new SqlServerCapture();

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => capture.RunAsync(app.Started(), services =>
            ActivatorUtilities.CreateInstance<Importer>(services).ImportAsync("long.csv", Encoding.UTF8.GetBytes(DetainersFile("short", new string('m', 101))))));

        Assert.Equal("Detainers.Citizenship", Assert.Single(refused.Errors).Column);
        Assert.DoesNotContain(capture.Statements, s => s.Text.Contains("INSERT", StringComparison.Ordinal) || s.Text.Contains("MERGE", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, int, string> LongCells => new()
    {
        { "section1 notes", "report_week,rank,state,county,detainers_issued_in_week,source_notes\n2017-01-28..2017-02-03,1,NV,Clark County,51,\"" + new string('n', 1001) + "\"\n", 2, "SectionOneEntries.SourceNotes" },
        { "policy criteria", "jurisdiction_(AOR),date_enacted,policy,criteria_for_honoring_detainer\n\"Travis County, Texas (San Antonio)\",January 2017,A policy,\"" + new string('c', 4001) + "\"\n", 2, "Policies.CriteriaForHonoringDetainers" },
        { "facility name", "state,county,facility,citizenship,notable_criminal_activity,charge_or_conviction,detainer_issued_date,detainer_declined_date,report_week\nTX,Travis County," + new string('f', 201) + ",Mexico,DUI,Charge,1/29/2017,2/1/2017,2017-01-28\n", 2, "Facilities.Name" },
        { "correction reason", "report_week,section,rank,state,county,field,old_value,new_value,corrected_on,reason,authority\n2017-01-28..2017-02-03,I,4,IA,Montgomery County,jurisdiction,x,,2017-04,\"" + new string('r', 2001) + "\",ICE\n", 2, "Corrections.Reason" },
    };

    [Theory]
    [MemberData(nameof(LongCells))]
    public async Task Every_format_refuses_a_cell_longer_than_its_column(string name, string file, int line, string column)
    {
        using var app = new TestApp();

        var refused = await Assert.ThrowsAsync<ImportRejectedException>(() => app.ImportAsync(name + ".csv", file));

        Assert.Contains(refused.Errors, e => e.Line == line && e.Column == column && e.Expected.StartsWith("at most", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_correction_longer_than_its_column_and_a_token_name_longer_than_the_editor_column_are_refused()
    {
        using var app = EditorClient.NewApp();
        await EditorClient.ImportFixtureAsync(app);
        var detainer = (await app.DataAsync("{ detainers(first: 1, where: { charges: { any: true } }) { nodes { id charges { id } } } }"))
            .GetProperty("detainers").GetProperty("nodes")[0];
        const string Mutation = """
            mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { correction { id } } }
            """;
        object Input(string field, string value, string? chargeId = null, string reason = "ICE's release") =>
            new { input = new { id = detainer.GetProperty("id").GetString(), field, newValue = value, chargeId, reason, source = "ICE" } };
        var chargeId = detainer.GetProperty("charges")[0].GetProperty("id").GetString();

        var longDescription = await app.PostAsync(Mutation, Input("CHARGE_DESCRIPTION", new string('d', ChargeMax + 1), chargeId), EditorClient.Token(app));
        var longCitizenship = await app.PostAsync(Mutation, Input("CITIZENSHIP", new string('c', 101)), EditorClient.Token(app));
        var longReason = await app.PostAsync(Mutation, Input("CITIZENSHIP", "Honduras", reason: new string('r', 2001)), EditorClient.Token(app));
        var longEditor = await app.PostAsync(Mutation, Input("CITIZENSHIP", "Honduras"), EditorClient.Token(app, new string('e', 201)));

        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(longDescription));
        Assert.Contains("1 to 400 characters", longDescription.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(longCitizenship));
        Assert.Equal(["INVALID_VALUE"], EditorClient.ErrorCodes(longReason));
        Assert.Equal(["AUTH_INVALID_TOKEN"], EditorClient.ErrorCodes(longEditor));
        Assert.Equal(0, await app.WithDbAsync(db => db.Corrections.CountAsync(c => c.Editor != null)));
        // A name of exactly the column's length is recorded.
        var exact = await app.PostAsync(Mutation, Input("CITIZENSHIP", "Honduras"), EditorClient.Token(app, new string('e', 200)));
        Assert.False(exact.TryGetProperty("errors", out _), exact.ToString());
    }
}
