using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Reference;

namespace DetainerGraph.Import;

/// <summary>
/// Writes deterministic, realistic synthetic detainers in the <c>detainers</c> import format. Every row
/// carries the seed in <c>synthetic_seed</c>, so every record imported from it says it is synthetic.
/// <list type="bullet">
/// <item>jurisdictions: real counties whose ICE field office is known, a few of them busy (Zipf-weighted);</item>
/// <item>charges: the real vocabularies, top-20 ICE charges weighted by their published frequency;</item>
/// <item>outcomes: the proportions of the real Pennsylvania FOIA release;</item>
/// <item>one to three charges each; forms I-247D/N/X before 2 April 2017 and I-247A after.</item>
/// </list>
/// </summary>
public sealed class DetainerGenerator(ReferenceData reference)
{
    public static readonly string[] Header =
    [
        "detainer_key", "state", "county", "facility", "facility_city", "citizenship", "detainer_type", "issued_date",
        "outcome", "outcome_date", "report_week", "charge", "charge_status", "synthetic_seed",
    ];

    // Shares of each outcome in pa_detainers_2007_2015.csv (32,757 rows), rounded to tenths of a percent.
    private static readonly (DetainerOutcome Outcome, double Weight)[] Outcomes =
    [
        (DetainerOutcome.BookedIntoDetention, 55.4), (DetainerOutcome.Open, 34.3), (DetainerOutcome.CaseClosed, 4.4),
        (DetainerOutcome.Lifted, 3.7), (DetainerOutcome.Transferred, 0.7), (DetainerOutcome.DeclinedByLea, 0.7),
        (DetainerOutcome.NotSubjectToDeportation, 0.3), (DetainerOutcome.UnitedStatesCitizenInterviewed, 0.2),
        (DetainerOutcome.ProsecutorialDiscretion, 0.1), (DetainerOutcome.EarlyRelease, 0.1), (DetainerOutcome.Died, 0.1),
        (DetainerOutcome.LiftedLackOfFunds, 0.05), (DetainerOutcome.LiftedLackOfSpace, 0.05),
    ];

    // Approximate shares of citizenship among ICE detainers; synthetic, for realistic-looking demos only.
    private static readonly (string Country, double Weight)[] Citizenships =
    [
        ("Mexico", 58), ("Guatemala", 11), ("Honduras", 9), ("El Salvador", 7), ("Dominican Republic", 2),
        ("Cuba", 1.5), ("Jamaica", 1), ("Colombia", 1), ("Ecuador", 1), ("Haiti", 1), ("India", 1),
        ("China", 1), ("Vietnam", 0.8), ("Philippines", 0.7), ("Nicaragua", 0.7), ("Brazil", 0.6), ("Canada", 0.5),
        ("Nigeria", 0.4), ("Peru", 0.4), ("Poland", 0.3),
    ];

    private static readonly DateOnly ConsolidatedFormDate = new(2017, 4, 2);

    /// <summary>The longest a generated detainer is lodged before its outcome's week, in days.</summary>
    private const int LongestLagDays = 1500;

    /// <summary>
    /// Why these weeks cannot be generated, or null: every date written (issued up to <see cref="LongestLagDays"/> days
    /// before its week; outcomes within the last week) must fall within the calendar's years 1 to 9999.
    /// </summary>
    public static string? RangeProblem(DateOnly firstWeek, int weeks)
    {
        // The week's Saturday may be up to 6 days before the date given.
        var earliest = (long)firstWeek.DayNumber - 6 - LongestLagDays;
        var latest = (long)firstWeek.DayNumber + (7L * weeks);
        return earliest >= DateOnly.MinValue.DayNumber && latest <= DateOnly.MaxValue.DayNumber
            ? null
            : $"--from {firstWeek:yyyy-MM-dd} with --weeks {weeks} would write dates outside the years 1 to 9999 " +
              $"(detainers are issued up to {LongestLagDays} days before their week, outcomes fall in the last week)";
    }

    /// <param name="ct">Checked every 1,024 detainers: stopped part-way, throws <see cref="OperationCanceledException"/>.</param>
    public int Write(TextWriter output, int detainers, int seed, DateOnly firstWeek, int weeks, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(detainers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weeks);
        if (RangeProblem(firstWeek, weeks) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(weeks), problem);
        }
        var random = new Random(seed);
        var start = Week.StartOf(firstWeek);
        var counties = PickCounties(random);
        var charges = LoadChargeVocabulary();
        var seedText = seed.ToString(CultureInfo.InvariantCulture);

        output.WriteLine(string.Join(',', Header));
        var rows = 0;
        for (var n = 1; n <= detainers; n++)
        {
            if ((n & 1023) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            var county = counties[Zipf(random, counties.Count)];
            var outcome = Pick(random, Outcomes);
            var week = start.AddDays(7 * random.Next(weeks));
            var recorded = week.AddDays(random.Next(7));
            // Most detainers are lodged days or weeks before their outcome; some, years before.
            var lag = random.NextDouble() < 0.9 ? random.Next(0, 60) : random.Next(60, LongestLagDays);
            var issued = recorded.AddDays(-lag);
            var form = issued >= ConsolidatedFormDate ? "I-247A"
                : Pick(random, [("I-247D", 70.0), ("I-247N", 20.0), ("I-247X", 10.0)]);
            var chargeCount = Pick(random, [(1, 60.0), (2, 28.0), (3, 12.0)]);
            string? citizenship = null;
            for (var c = 0; c < chargeCount; c++)
            {
                // One citizenship per detainer, the first row's. A draw is still made on every row, as before the rows had
                // to agree, so that a seed gives the detainers it always gave (the import kept the first row's then too).
                var drawn = Pick(random, Citizenships);
                citizenship ??= drawn;
                var fields = new[]
                {
                    $"syn-{seedText}-{n}",
                    county.State,
                    county.Name,
                    $"{county.Name} Jail",
                    "",
                    citizenship,
                    form,
                    issued.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Values.LiftReasonOf(outcome),
                    outcome == DetainerOutcome.Open ? "" : recorded.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    "",
                    Pick(random, charges),
                    random.NextDouble() < 0.6 ? "Conviction" : "Charge",
                    seedText,
                };
                output.WriteLine(string.Join(',', fields.Select(Quote)));
                rows++;
            }
        }
        return rows;
    }

    /// <summary>Counties of single-office states and the listed counties of split states, in a seeded order.</summary>
    private List<County> PickCounties(Random random)
    {
        var known = reference.Counties.Where(c => reference.FieldOfficeOf(c.State, c.Name) is not null).ToList();
        // Fisher-Yates with the seeded generator, so "the busy counties" differ by seed but not by run.
        for (var i = known.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (known[i], known[j]) = (known[j], known[i]);
        }
        return known.Take(400).ToList();
    }

    private (string Text, double Weight)[] LoadChargeVocabulary()
    {
        var weighted = new List<(string, double)>();
        var top = File.ReadAllLines(Path.Combine(reference.DataDirectory, "ice_msc_charge_top20.csv")).Skip(1)
            .Select(line => CsvReader.Read(new StringReader(line)).First().Fields)
            .Select(f => (f[0], double.Parse(f[1], CultureInfo.InvariantCulture)))
            .ToList();
        var topTotal = top.Sum(t => t.Item2);
        // Top-20 charges take 70% of draws in their published proportions; the long tail shares the rest.
        weighted.AddRange(top.Select(t => (t.Item1, 70 * t.Item2 / topTotal)));
        var tail = File.ReadAllLines(Path.Combine(reference.DataDirectory, "ice_msc_charge_values.txt"))
            .Where(l => l.Trim().Length > 0 && !top.Any(t => t.Item1 == l.Trim()))
            .Select(l => l.Trim())
            .Concat(reference.Offenses.Where(o => !o.Description.Contains("SEE MIS", StringComparison.Ordinal)).Select(o => o.Description))
            .ToList();
        weighted.AddRange(tail.Select(t => (t, 30.0 / tail.Count)));
        return [.. weighted];
    }

    private static T Pick<T>(Random random, IReadOnlyList<(T Value, double Weight)> choices)
    {
        var total = 0.0;
        foreach (var choice in choices)
        {
            total += choice.Weight;
        }
        var point = random.NextDouble() * total;
        foreach (var (value, weight) in choices)
        {
            point -= weight;
            if (point < 0)
            {
                return value;
            }
        }
        return choices[^1].Value;
    }

    /// <summary>An index in [0, count) where index k is about 1/(k+1) as likely as index 0.</summary>
    private static int Zipf(Random random, int count)
    {
        var harmonic = Math.Log(count) + 0.5772;
        var point = random.NextDouble() * harmonic;
        var index = (int)Math.Exp(point - 0.5772) - 1;
        return Math.Clamp(index, 0, count - 1);
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
