using System.Text.Json;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Fuzz;

/// <summary>
/// Successful writes under fuzz: a seeded run of corrections with valid and invalid inputs, fresh and reused
/// idempotency keys. Every accepted correction is stored once, applied to its record and audit-logged once; every
/// refused one is answered with a code and leaves the store exactly as it was (nothing half-written); nothing is
/// logged at Error level.
/// </summary>
public sealed class CorrectionFuzzTests : IDisposable
{
    private const string Correct = "mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { detainer { id citizenship outcome issuedOn } correction { id field newValue } } }";

    private readonly LogCapture _logs = new();
    private readonly TestApp _app;

    public CorrectionFuzzTests()
    {
        _app = new TestApp(settings: new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = EditorClient.SigningKey,
            ["Auth:Issuer"] = "test-issuer",
            ["Auth:Audience"] = "test-audience",
        }, services: services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public void Dispose() => _app.Dispose();

    private static readonly string[] Fields = ["CITIZENSHIP", "OUTCOME", "ISSUED_ON", "OUTCOME_RECORDED_ON", "CHARGE_STATUS", "FACILITY", "NOPE"];

    private static string? Value(Random random, string field) => random.Next(8) switch
    {
        0 => null,
        1 => new string('x', 5_000),
        2 => "\u0000\u001b[31m\r\nforged",
        3 => "2017-02-30",
        4 => "DECLINED_BY_LEA",
        5 => "2017-03-0" + random.Next(1, 9),
        6 => field == "OUTCOME" ? "LIFTED" : "Country " + random.Next(1000),
        _ => "Ωμέγα " + random.Next(1000),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Corrections_with_random_valid_and_invalid_inputs_lose_nothing_and_half_write_nothing(int seed)
    {
        await EditorClient.ImportFixtureAsync(_app);
        var token = EditorClient.Token(_app);
        var ids = (await _app.DataAsync("{ detainers(first: 10) { nodes { id } } }")).GetProperty("detainers").GetProperty("nodes")
            .EnumerateArray().Select(n => n.GetProperty("id").GetString()!).Append("RGV0YWluZXI6OTk5OTk=").Append("garbage").ToList();
        var stored = await _app.WithDbAsync(db => db.Corrections.CountAsync());
        var random = new Random(seed);
        var accepted = new HashSet<string>();
        var keys = new List<string>();

        for (var i = 0; i < 60; i++)
        {
            var field = Fields[random.Next(Fields.Length)];
            var key = random.Next(3) switch { 0 => null, 1 when keys.Count > 0 => keys[random.Next(keys.Count)], _ => $"k{seed}-{i}" };
            var input = new Dictionary<string, object?>
            {
                ["id"] = ids[random.Next(ids.Count)],
                ["field"] = field,
                ["newValue"] = Value(random, field),
                ["reason"] = random.Next(10) == 0 ? "" : "fuzz " + i,
                ["source"] = "fuzz",
                ["idempotencyKey"] = key,
            };
            var before = await SnapshotAsync();
            var result = await _app.PostAsync(Correct, new { input }, token);
            var codes = EditorClient.ErrorCodes(result);
            if (codes.Length == 0)
            {
                var correction = result.GetProperty("data").GetProperty("correctDetainer").GetProperty("correction");
                accepted.Add(correction.GetProperty("id").GetString()!);
                if (key is not null)
                {
                    keys.Add(key);
                }
            }
            else
            {
                Assert.All(codes, code => Assert.False(string.IsNullOrEmpty(code) || code == "INTERNAL_SERVER_ERROR", result.ToString()));
                // Refused: the store is exactly as it was.
                Assert.Equal(before, await SnapshotAsync());
            }
        }

        // Every accepted correction is stored once and audit-logged once; replays added nothing.
        Assert.Equal(stored + accepted.Count, await _app.WithDbAsync(db => db.Corrections.CountAsync()));
        var audited = _logs.In("DetainerGraph.Audit").Where(l => l.EventId.Id == 7001).Select(l => Convert.ToString(l.Values["CorrectionId"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(audited.Count, audited.Distinct().Count());
        Assert.Equal(accepted.Count, audited.Count);
        Assert.True(accepted.Count > 0, "the run accepted no correction: the generator no longer makes valid ones");
        Assert.True(_logs.Errors().Count == 0, string.Join('\n', _logs.Errors()));
    }

    /// <summary>The corrections and every detainer's correctable fields, as text.</summary>
    private Task<string> SnapshotAsync() => _app.WithDbAsync(async db =>
    {
        var corrections = await db.Corrections.CountAsync();
        var detainers = await db.Detainers.OrderBy(d => d.Id).Select(d => new { d.Id, d.Citizenship, d.Outcome, d.IssuedOn, d.FacilityId, d.JurisdictionId, d.Retracted }).ToListAsync();
        return corrections + JsonSerializer.Serialize(detainers);
    });
}
