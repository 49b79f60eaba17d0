using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Import;

/// <summary>The first start of a fresh server: everything the README promises is loaded, once.</summary>
public sealed class SampleDataTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    [Fact]
    public async Task A_fresh_store_holds_every_shipped_file()
    {
        var counts = await App.CountsAsync();

        // Pennsylvania's FOIA detainers, Travis County's bookings, the synthetic demo.
        Assert.Equal(32_757 + 9_533 + SampleData.DemoDetainers, counts["detainers"]);
        Assert.Equal(3, counts["reports"]);
        Assert.Equal(10, counts["section_one_entries"]);
        Assert.Equal(4, counts["corrections"]);
        Assert.Equal(4, counts["policies"]);
        Assert.Equal(SampleData.Files.Length + 1, counts["sources"]);
        // Travis County's 15,237 real charges and the demo's 4,548 generated ones (seed 2017).
        Assert.Equal(15_237 + 4_548, counts["charges"]);
        Assert.Equal(SampleData.DemoDetainers, await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic)));
        Assert.Equal(4_548, await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic)));
    }

    [Fact]
    public async Task The_real_foia_outcomes_keep_their_published_proportions()
    {
        var outcomes = await App.WithDbAsync(db => db.Detainers
            .Where(d => d.Source.FileName == "pa_detainers_2007_2015.csv")
            .GroupBy(d => d.Outcome).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count));

        Assert.Equal(18_143, outcomes[DetainerOutcome.BookedIntoDetention]);
        Assert.Equal(11_229, outcomes[DetainerOutcome.Open]);
        Assert.Equal(225, outcomes[DetainerOutcome.DeclinedByLea]);
        Assert.Equal(4, outcomes[DetainerOutcome.LiftedLackOfSpace]);
    }

    [Fact]
    public async Task Section_one_comes_back_as_published_with_the_four_ice_corrections()
    {
        var entries = await App.WithDbAsync(db => db.SectionOneEntries
            .OrderBy(e => e.Rank)
            .Select(e => new { e.Rank, e.Jurisdiction.Name, e.Jurisdiction.State, e.DetainersIssued, Corrections = e.Corrections.Count })
            .ToListAsync());

        Assert.Equal(
            ["Clark County NV 51", "Nassau County NY 38", "Cook County IL 13", "Montgomery County IA 12", "Snohomish County WA 12",
             "Franklin County NY ?", "Washington County OR 7", "Alachua County FL 5", "Franklin County IA 5", "Franklin County PA 5"],
            entries.Select(e => $"{e.Name} {e.State} {e.DetainersIssued?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}"));
        Assert.Equal(["Montgomery County IA", "Franklin County NY", "Franklin County IA", "Franklin County PA"],
            entries.Where(e => e.Corrections == 1).Select(e => $"{e.Name} {e.State}"));
        Assert.All(entries, e => Assert.InRange(e.Corrections, 0, 1));
    }

    [Fact]
    public async Task The_synthetic_demo_covers_the_three_report_weeks_and_says_it_is_synthetic()
    {
        var weeks = await App.WithDbAsync(db => db.Detainers.Where(d => d.Source.Kind == SourceKind.Synthetic && d.WeekStart != null)
            .Select(d => d.WeekStart!.Value).Distinct().OrderBy(w => w).ToListAsync());
        var source = await App.WithDbAsync(db => db.Sources.SingleAsync(s => s.Kind == SourceKind.Synthetic));

        Assert.Equal([new DateOnly(2017, 1, 28), new DateOnly(2017, 2, 4), new DateOnly(2017, 2, 11)], weeks);
        Assert.Equal(SampleData.DemoSeed, source.SyntheticSeed);
        Assert.Contains("Synthetic", source.Section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_sample_record_has_provenance() => await ProvenanceAssertions.AllRecordsHaveProvenanceAsync(App);

    [Fact]
    public async Task Loading_the_sample_again_changes_nothing()
    {
        var before = await App.CountsAsync();

        await App.Services.PrepareStoreAsync(loadSampleData: true);

        Assert.Equal(before, await App.CountsAsync());
    }

    [Fact]
    public async Task A_shipped_file_changed_since_the_store_loaded_it_is_not_imported_beside_the_earlier_version()
    {
        // As if the store had loaded an earlier release's Travis County file: its source holds another content hash.
        const string file = "travis_county_ice_detainers.csv";
        var source = await App.WithDbAsync(db => db.Sources.SingleAsync(s => s.FileName == file));
        var before = await App.CountsAsync();
        await SetContentHashAsync(source.Id, new string('0', 64));
        try
        {
            var warnings = await LoadAgainAsync();

            Assert.Equal(before, await App.CountsAsync());
            Assert.Equal(9_533, await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.Source.FileName == file)));
            var warning = Assert.Single(warnings);
            Assert.Contains($"The shipped {file} differs from the version this store loaded as source #{source.Id}", warning, StringComparison.Ordinal);
        }
        finally
        {
            await SetContentHashAsync(source.Id, source.ContentSha256);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_store_holding_the_demo_as_earlier_releases_wrote_it_holds_the_same_records_and_is_not_warned_about(int spelling)
    {
        // Earlier generators wrote a citizenship per charge row; the import kept each detainer's first, which every row now repeats.
        var source = await App.WithDbAsync(db => db.Sources.SingleAsync(s => s.Kind == SourceKind.Synthetic));
        var before = await App.CountsAsync();
        await SetContentHashAsync(source.Id, SampleData.EarlierDemoSha256[spelling]);
        try
        {
            Assert.Empty(await LoadAgainAsync());
            Assert.Equal(before, await App.CountsAsync());
        }
        finally
        {
            await SetContentHashAsync(source.Id, source.ContentSha256);
        }
    }

    /// <summary>Loads the shipped files again into the store, as a restart does; the warnings it logged.</summary>
    private async Task<IReadOnlyList<string>> LoadAgainAsync()
    {
        using var logs = new LogCapture();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var scope = App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var sample = new SampleData(services.GetRequiredService<Importer>(), services.GetRequiredService<DetainerDbContext>(),
            services.GetRequiredService<DetainerGraph.Reference.ReferenceData>(), services.GetRequiredService<StorageOptions>(), factory.CreateLogger<SampleData>());
        await sample.EnsureLoadedAsync(CancellationToken.None);
        return [.. logs.Lines.Where(l => l.Level >= LogLevel.Warning).Select(l => l.Message)];
    }

    private Task SetContentHashAsync(int sourceId, string sha256) =>
        App.WithDbAsync(db => db.Sources.Where(s => s.Id == sourceId).ExecuteUpdateAsync(u => u.SetProperty(s => s.ContentSha256, sha256)));

    [Fact]
    public async Task Real_charge_texts_match_ncic_codes_with_case_and_spelling_folded()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var reference = scope.ServiceProvider.GetRequiredService<DetainerGraph.Reference.ReferenceData>();

        Assert.Equal("5404", reference.MatchOffense("Driving Under Influence Liquor")?.Code);
        Assert.Equal("5404", reference.MatchOffense("driving under influence alcohol")?.Code);
        Assert.Equal("1305", reference.MatchOffense("Aggravated Assault - Non-family-Weapon")?.Code);
        Assert.Equal("3803", reference.MatchOffense("CRUELTY TOWARD WIFE")?.Code);
        Assert.Equal("0301", reference.MatchOffense("Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)")?.Code);
        Assert.Equal("Immigration", reference.MatchOffense("Illegal Entry (INA SEC.101(a)(43)(O), 8USC1325 only)")?.Category);
        Assert.Null(reference.MatchOffense("ASLT 3"));
    }
}
