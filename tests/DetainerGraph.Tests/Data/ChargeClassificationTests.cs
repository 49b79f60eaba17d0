using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// A store imported under one version's classification rules and started under another's holds the categories (and
/// text-matched NCIC codes) a fresh import under the new rules holds: the rules A here are the shipped ones as they
/// were before the search audit of 2026-12-02 taught the category rules "fail identify" (Travis County's FAIL TO ID,
/// Texas Penal Code 38.02, then in no category; Obstruct Police since).
/// </summary>
public sealed class ChargeClassificationTests : IDisposable
{
    private const string TravisFile = "travis_county_ice_detainers.csv";
    private const string Stats = "{ detainerStats(groupBy: [CHARGE_CATEGORY], first: 1000) { keys { chargeCategory } count } }";
    private const string Corrected = "THEFT PROP >=$100<$750";

    private readonly string _rulesA = Path.Combine(Path.GetTempPath(), "detainergraph-tests", "rules-" + Guid.NewGuid().ToString("N"));

    public ChargeClassificationTests()
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "data");
        Directory.CreateDirectory(_rulesA);
        foreach (var file in Directory.GetFiles(shipped))
        {
            File.Copy(file, Path.Combine(_rulesA, Path.GetFileName(file)));
        }
        var rules = Path.Combine(_rulesA, "charge_category_rules.csv");
        var text = File.ReadAllText(rules);
        Assert.Contains("|fail identify|failure identify", text, StringComparison.Ordinal);
        File.WriteAllText(rules, text.Replace("|fail identify|failure identify", "", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_rulesA, recursive: true);

    private static readonly Dictionary<string, string?> Auth = new()
    {
        ["Auth:SigningKey"] = EditorClient.SigningKey,
        ["Auth:Issuer"] = "test-issuer",
        ["Auth:Audience"] = "test-audience",
    };

    private static Task<List<(long Id, string Description, string? NcicCode, string? Category)>> ChargesAsync(TestApp app) =>
        app.WithDbAsync(async db => (await db.Charges.OrderBy(c => c.Id).Select(c => new { c.Id, c.Description, c.NcicCode, c.Category }).ToListAsync())
            .Select(c => (c.Id, c.Description, c.NcicCode, c.Category)).ToList());

    private static async Task<string> StatsAsync(TestApp app) => (await app.DataAsync(Stats)).GetRawText();

    [Fact]
    public async Task A_store_imported_under_old_rules_is_classified_as_a_fresh_import_under_the_new_ones_and_a_second_start_writes_nothing()
    {
        var store = TestApp.NewStorageDirectory();
        long correctedId;
        List<long> failToId;
        using (var old = new TestApp(settings: Auth, storageDirectory: store, services: s => s.AddSingleton(new ReferenceData(_rulesA))) { KeepsStorage = true })
        {
            await old.ImportSampleFileAsync(TravisFile);
            // The 12 of the 891 FAIL TO ID charges whose file gave no NCIC code the catalog knows: A puts them in no category.
            failToId = (await ChargesAsync(old)).Where(c => c.Description.StartsWith("FAIL TO ID", StringComparison.Ordinal) && c.Category is null).Select(c => c.Id).ToList();
            Assert.Equal(12, failToId.Count);
            // An editor corrects one of them to another text: the correction derives its category from the corrected text.
            correctedId = failToId[0];
            await CorrectAsync(old, correctedId);
        }

        // The same file and correction under the new rules, from nothing.
        using var fresh = new TestApp(settings: Auth);
        await fresh.ImportSampleFileAsync(TravisFile);
        await CorrectAsync(fresh, correctedId);
        var expected = await ChargesAsync(fresh);

        using (var upgraded = new TestApp(storageDirectory: store) { KeepsStorage = true })
        {
            var charges = await ChargesAsync(upgraded);
            Assert.Equal(expected.Count, charges.Count);
            var corrected = Assert.Single(charges, c => c.Id == correctedId);
            Assert.Equal(Corrected, corrected.Description);
            Assert.Equal("Larceny", corrected.Category);
            Assert.Equal(expected, charges);
            Assert.Equal(11, charges.Count(c => failToId.Contains(c.Id) && c.Category == "Obstruct Police"));
            Assert.Equal(await StatsAsync(fresh), await StatsAsync(upgraded));
        }

        using var again = new TestApp(storageDirectory: store);
        again.Started();
        Assert.DoesNotContain(again.Sql.Commands, c => c.Contains("UPDATE \"Charges\"", StringComparison.Ordinal));
        Assert.Contains(again.Sql.Commands, c => c.Contains("FROM \"StoreSettings\"", StringComparison.Ordinal));
        Assert.Equal(expected, await ChargesAsync(again));
    }

    private static async Task CorrectAsync(TestApp app, long chargeId)
    {
        var detainerId = await app.WithDbAsync(db => db.Charges.Where(c => c.Id == chargeId).Select(c => c.DetainerId).SingleAsync());
        await app.EditAsync(
            "mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { correction { id } } }",
            new { input = new { id = GlobalId.Encode("Detainer", detainerId), field = "CHARGE_DESCRIPTION", chargeId = GlobalId.Encode("Charge", chargeId), newValue = Corrected, reason = "r", source = "s" } },
            EditorClient.Token(app));
    }
}
