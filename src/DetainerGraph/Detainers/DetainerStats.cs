using System.Linq.Expressions;
using System.Reflection;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

public enum DetainerStatsDimension
{
    State,
    Jurisdiction,
    FieldOffice,
    Facility,
    Week,
    IssuedYear,
    IssuedQuarter,
    IssuedMonth,
    OutcomeYear,
    OutcomeQuarter,
    OutcomeMonth,
    Outcome,
    DetainerType,
    Citizenship,
    ChargeCategory,
    SourceKind,
    JurisdictionResolution,
    PlaceOfBirth,
    IssuedOnOrAfterYear,
}

/// <summary>How groups are ordered. Ties are always broken by the keys, so pages are stable.</summary>
public enum DetainerStatsOrder
{
    CountDesc,
    CountAsc,
    KeyAsc,
    KeyDesc,
}

/// <summary>
/// One group's key: only the dimensions asked for are set. A month or quarter is two members (its year and its
/// number) so that SQL groups by plain integers, which SQLite and SQL Server both compute from a date.
/// </summary>
public sealed class DetainerStatsKey
{
    public string? State { get; set; }
    public int? JurisdictionId { get; set; }
    public string? FieldOffice { get; set; }
    public int? FacilityId { get; set; }
    public DateOnly? Week { get; set; }
    public int? IssuedYear { get; set; }
    public int? IssuedQuarterYear { get; set; }
    public int? IssuedQuarter { get; set; }
    public int? IssuedMonthYear { get; set; }
    public int? IssuedMonth { get; set; }
    public int? OutcomeYear { get; set; }
    public int? OutcomeQuarterYear { get; set; }
    public int? OutcomeQuarter { get; set; }
    public int? OutcomeMonthYear { get; set; }
    public int? OutcomeMonth { get; set; }
    public DetainerOutcome? Outcome { get; set; }
    public DetainerType? DetainerType { get; set; }
    public string? Citizenship { get; set; }
    public string? ChargeCategory { get; set; }
    public SourceKind? SourceKind { get; set; }
    public JurisdictionResolution? JurisdictionResolution { get; set; }
    public string? PlaceOfBirth { get; set; }
    public int? IssuedOnOrAfterYear { get; set; }

    /// <summary>A copy with the same members (a group's key taken from the one key object grouping in memory reuses).</summary>
    internal DetainerStatsKey Copy() => (DetainerStatsKey)MemberwiseClone();

    /// <summary>The same keys as one value: groups of published and synthetic records are matched on it.</summary>
    public string Identity => string.Join('\u001f', new object?[]
    {
        State, JurisdictionId, FieldOffice, FacilityId, Week, IssuedYear, IssuedQuarterYear, IssuedQuarter, IssuedMonthYear, IssuedMonth,
        OutcomeYear, OutcomeQuarterYear, OutcomeQuarter, OutcomeMonthYear, OutcomeMonth, Outcome, DetainerType, Citizenship, ChargeCategory,
        SourceKind, JurisdictionResolution, PlaceOfBirth, IssuedOnOrAfterYear,
    }.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>A charge's category beside its detainer, for grouping by charge category.</summary>
public sealed class ChargeCategoryRow
{
    public string? Category { get; set; }
    public Detainer Detainer { get; set; } = null!;
}

/// <summary>How many detainers of a group ended in each outcome: one property per <see cref="DetainerOutcome"/> value.</summary>
public sealed class DetainerOutcomeCounts
{
    public int Open { get; set; }
    public int BookedIntoDetention { get; set; }
    public int DeclinedByLea { get; set; }
    public int Lifted { get; set; }
    public int LiftedLackOfFunds { get; set; }
    public int LiftedLackOfSpace { get; set; }
    public int Transferred { get; set; }
    public int CaseClosed { get; set; }
    public int EarlyRelease { get; set; }
    public int Died { get; set; }
    public int ProsecutorialDiscretion { get; set; }
    public int NotSubjectToDeportation { get; set; }
    public int UnitedStatesCitizenInterviewed { get; set; }
    public int Other { get; set; }

    internal static readonly IReadOnlyList<(DetainerOutcome Outcome, PropertyInfo Property)> Properties =
        [.. Enum.GetValues<DetainerOutcome>().Select(o => (o, typeof(DetainerOutcomeCounts).GetProperty(o.ToString())
            ?? throw new InvalidOperationException($"{nameof(DetainerOutcomeCounts)} lacks a property for {o}.")))];

    /// <summary>The outcomes with at least one detainer, in the enum's order.</summary>
    public IEnumerable<(DetainerOutcome Outcome, int Count)> NonZero() =>
        Properties.Select(p => (p.Outcome, (int)p.Property.GetValue(this)!)).Where(p => p.Item2 > 0);
}

/// <summary>
/// One group: its keys, how many detainers it holds and, when asked for, how many ended in each outcome and how
/// many synthetic detainers with the same keys were left out (null when they were counted, or not asked for).
/// </summary>
public sealed class DetainerStatsGroup
{
    public DetainerStatsKey Keys { get; set; } = new();
    public int Count { get; set; }
    public DetainerOutcomeCounts? Outcomes { get; set; }
    public int? SyntheticExcluded { get; set; }
}

/// <summary>
/// The grouping behind <c>detainerStats</c>, <c>detainerGroups</c>, the stats of a jurisdiction or facility and
/// the stats export: one SQL GROUP BY over filtered detainers, ordered in SQL so that it can be paged or
/// streamed. Grouping by charge category counts a detainer once in each category of its charges.
/// </summary>
public static class DetainerStats
{
    public const int MaxGroups = 1000;

    private static readonly Dictionary<DetainerStatsDimension, (string Member, LambdaExpression Key)[]> Keys = new()
    {
        [DetainerStatsDimension.State] = [(nameof(DetainerStatsKey.State), Key(d => d.Jurisdiction!.State))],
        [DetainerStatsDimension.Jurisdiction] = [(nameof(DetainerStatsKey.JurisdictionId), Key(d => d.JurisdictionId))],
        [DetainerStatsDimension.FieldOffice] = [(nameof(DetainerStatsKey.FieldOffice), Key(d => d.Jurisdiction!.FieldOffice))],
        [DetainerStatsDimension.Facility] = [(nameof(DetainerStatsKey.FacilityId), Key(d => d.FacilityId))],
        [DetainerStatsDimension.Week] = [(nameof(DetainerStatsKey.Week), Key(d => d.WeekStart))],
        [DetainerStatsDimension.IssuedYear] = [(nameof(DetainerStatsKey.IssuedYear), Key(d => (int?)d.IssuedOn!.Value.Year))],
        [DetainerStatsDimension.IssuedQuarter] =
        [
            (nameof(DetainerStatsKey.IssuedQuarterYear), Key(d => (int?)d.IssuedOn!.Value.Year)),
            (nameof(DetainerStatsKey.IssuedQuarter), Key(d => (int?)((d.IssuedOn!.Value.Month + 2) / 3))),
        ],
        [DetainerStatsDimension.IssuedMonth] =
        [
            (nameof(DetainerStatsKey.IssuedMonthYear), Key(d => (int?)d.IssuedOn!.Value.Year)),
            (nameof(DetainerStatsKey.IssuedMonth), Key(d => (int?)d.IssuedOn!.Value.Month)),
        ],
        [DetainerStatsDimension.OutcomeYear] = [(nameof(DetainerStatsKey.OutcomeYear), Key(d => (int?)d.OutcomeRecordedOn!.Value.Year))],
        [DetainerStatsDimension.OutcomeQuarter] =
        [
            (nameof(DetainerStatsKey.OutcomeQuarterYear), Key(d => (int?)d.OutcomeRecordedOn!.Value.Year)),
            (nameof(DetainerStatsKey.OutcomeQuarter), Key(d => (int?)((d.OutcomeRecordedOn!.Value.Month + 2) / 3))),
        ],
        [DetainerStatsDimension.OutcomeMonth] =
        [
            (nameof(DetainerStatsKey.OutcomeMonthYear), Key(d => (int?)d.OutcomeRecordedOn!.Value.Year)),
            (nameof(DetainerStatsKey.OutcomeMonth), Key(d => (int?)d.OutcomeRecordedOn!.Value.Month)),
        ],
        [DetainerStatsDimension.Outcome] = [(nameof(DetainerStatsKey.Outcome), Key(d => (DetainerOutcome?)d.Outcome))],
        [DetainerStatsDimension.DetainerType] = [(nameof(DetainerStatsKey.DetainerType), Key(d => (DetainerType?)d.DetainerType))],
        [DetainerStatsDimension.Citizenship] = [(nameof(DetainerStatsKey.Citizenship), Key(d => d.Citizenship))],
        [DetainerStatsDimension.SourceKind] = [(nameof(DetainerStatsKey.SourceKind), Key(d => (SourceKind?)(d.IsSynthetic ? SourceKind.Synthetic : SourceKind.File)))],
        [DetainerStatsDimension.JurisdictionResolution] = [(nameof(DetainerStatsKey.JurisdictionResolution), Key(d => (JurisdictionResolution?)d.JurisdictionResolution))],
        [DetainerStatsDimension.PlaceOfBirth] = [(nameof(DetainerStatsKey.PlaceOfBirth), Key(d => d.PlaceOfBirth))],
        [DetainerStatsDimension.IssuedOnOrAfterYear] = [(nameof(DetainerStatsKey.IssuedOnOrAfterYear), Key(d => (int?)d.IssuedOnOrAfter!.Value.Year))],
    };

    private static LambdaExpression Key<TKey>(Expression<Func<Detainer, TKey>> key) => key;

    /// <summary>The key members a dimension sets, in the order they sort.</summary>
    public static IEnumerable<string> Members(DetainerStatsDimension dimension) =>
        dimension == DetainerStatsDimension.ChargeCategory ? [nameof(DetainerStatsKey.ChargeCategory)] : Keys[dimension].Select(k => k.Member);

    /// <summary>
    /// The groups of <paramref name="detainers"/>, ordered in SQL (ties broken by every key), ready to page
    /// with Skip/Take, to count with CountAsync or to stream. Outcome counts are computed only when asked for:
    /// they add one conditional count per outcome to the SELECT.
    /// With <paramref name="resident"/>, a grouping only the finest rollup holds is summed from its copy in memory.
    /// </summary>
    public static IQueryable<DetainerStatsGroup> Groups(
        DetainerDbContext db, IQueryable<Detainer> detainers, IReadOnlyList<DetainerStatsDimension> dimensions,
        DetainerStatsOrder order, bool withOutcomes, ResidentSnapshot? resident = null)
    {
        // Every rollup is held in memory on the embedded store: summed and ordered there from the smallest that holds the
        // question (a pass over its columns, 0.1-5 ms at a million detainers), when the filter runs exactly.
        if (!dimensions.Contains(DetainerStatsDimension.ChargeCategory)
            && resident?.TryGroups(detainers, dimensions, order, withOutcomes) is { } inMemory)
        {
            return inMemory;
        }
        if (!dimensions.Contains(DetainerStatsDimension.ChargeCategory)
            && DetainerCountRollup.TryGroups(db, detainers, dimensions.Count == 0 ? null : KeySelector<Detainer>(dimensions, d => d), withOutcomes) is { } summed)
        {
            // From the DetainerCounts/DetainerTotals rollups: the same groups, summed from far fewer rows.
            return dimensions.Count == 0 ? summed : Ordered(summed, dimensions, order);
        }
        if (dimensions.Count == 0)
        {
            // One group of everything: a constant key keeps it a GROUP BY, so it pages and counts like the others.
            return detainers.GroupBy(d => 1).Select(Projection<Detainer, int>(d => d, withOutcomes, distinct: false, keyOf: null));
        }
        if (!dimensions.Contains(DetainerStatsDimension.ChargeCategory))
        {
            var groups = detainers.GroupBy(KeySelector<Detainer>(dimensions, d => d))
                .Select(Projection<Detainer, DetainerStatsKey>(d => d, withOutcomes, distinct: false, keyOf: g => g));
            return Ordered(groups, dimensions, order);
        }
        // One row per charge joined to its (filtered) detainer; each detainer counts once per category. The join
        // puts the detainer's columns beside the category, so the conditional distinct counts stay plain aggregates.
        // A left join: a detainer without charges (every Pennsylvania FOIA record) counts in the unknown (null)
        // category instead of vanishing, so no detainer the filter matches is left out of the groups.
        var rows = from d in detainers
                   join ch in db.Charges on d.Id equals ch.DetainerId into charges
                   from ch in charges.DefaultIfEmpty()
                   select new ChargeCategoryRow { Category = ch == null ? null : ch.Category, Detainer = d };
        var byCategory = rows.GroupBy(KeySelector<ChargeCategoryRow>(dimensions, r => r.Detainer))
            .Select(Projection<ChargeCategoryRow, DetainerStatsKey>(r => r.Detainer, withOutcomes, distinct: true, keyOf: g => g));
        return Ordered(byCategory, dimensions, order);
    }

    /// <summary>
    /// The stats of <c>detainerStats</c>: at most <paramref name="first"/> groups, and whether more exist. On SQL Server
    /// the statement asks for <c>first + 1</c> groups (<c>TOP</c>). On SQLite it asks for them all, in order, and stops
    /// reading after <c>first + 1</c>: with a <c>LIMIT</c>, SQLite keeps the best groups in a b-tree as it goes (an
    /// insert per group), which cost more than sorting every group once (the state-week stats at a million detainers,
    /// 2,597 groups: about 4.5 against 3.6-4.3 ms of SQLite's CPU). The same groups in the same order either way.
    /// </summary>
    public static async Task<(List<DetainerStatsGroup> Groups, bool Truncated)> FirstAsync(
        DetainerDbContext db, IQueryable<DetainerStatsGroup> groups, int first, CancellationToken ct)
    {
        List<DetainerStatsGroup> rows;
        if (db is SqlServerDetainerDbContext)
        {
            rows = await groups.Take(first + 1).ToListAsync(ct);
        }
        else
        {
            rows = new List<DetainerStatsGroup>(Math.Min(first + 1, MaxGroups + 1));
            await foreach (var group in groups.AsAsyncEnumerable().WithCancellation(ct))
            {
                rows.Add(group);
                if (rows.Count > first)
                {
                    break;
                }
            }
        }
        var truncated = rows.Count > first;
        if (truncated)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        return (rows, truncated);
    }

    private static IQueryable<DetainerStatsGroup> Ordered(
        IQueryable<DetainerStatsGroup> groups, IReadOnlyList<DetainerStatsDimension> dimensions, DetainerStatsOrder order)
    {
        var group = Expression.Parameter(typeof(DetainerStatsGroup), "g");
        var keys = Expression.Property(group, nameof(DetainerStatsGroup.Keys));
        var sortKeys = new List<(LambdaExpression Key, bool Descending)>();
        if (order is DetainerStatsOrder.CountDesc or DetainerStatsOrder.CountAsc)
        {
            sortKeys.Add((Expression.Lambda(Expression.Property(group, nameof(DetainerStatsGroup.Count)), group), order == DetainerStatsOrder.CountDesc));
        }
        foreach (var member in dimensions.SelectMany(Members))
        {
            sortKeys.Add((Expression.Lambda(Expression.Property(keys, member), group), order == DetainerStatsOrder.KeyDesc));
        }
        var query = groups.Expression;
        for (var i = 0; i < sortKeys.Count; i++)
        {
            var (key, descending) = sortKeys[i];
            var method = (i == 0 ? "OrderBy" : "ThenBy") + (descending ? "Descending" : "");
            query = Expression.Call(typeof(Queryable), method, [typeof(DetainerStatsGroup), key.ReturnType], query, Expression.Quote(key));
        }
        return groups.Provider.CreateQuery<DetainerStatsGroup>(query);
    }

    /// <summary>
    /// <c>g => new DetainerStatsGroup { Keys = g.Key, Count = g.Count(), Outcomes = new DetainerOutcomeCounts { Open = g.Count(x => x.Outcome == Open), ... } }</c>;
    /// over charges, each count is of distinct detainer IDs.
    /// </summary>
    private static Expression<Func<IGrouping<TKey, T>, DetainerStatsGroup>> Projection<T, TKey>(
        Expression<Func<T, Detainer>> detainerOf, bool withOutcomes, bool distinct, Func<Expression, Expression>? keyOf)
    {
        var group = Expression.Parameter(typeof(IGrouping<TKey, T>), "g");
        var bindings = new List<MemberBinding>
        {
            Expression.Bind(typeof(DetainerStatsGroup).GetProperty(nameof(DetainerStatsGroup.Count))!, CountOf<T>(group, null, detainerOf, distinct)),
        };
        if (keyOf is not null)
        {
            bindings.Add(Expression.Bind(typeof(DetainerStatsGroup).GetProperty(nameof(DetainerStatsGroup.Keys))!,
                Expression.Property(keyOf(group), nameof(IGrouping<TKey, T>.Key))));
        }
        if (withOutcomes)
        {
            var counts = DetainerOutcomeCounts.Properties.Select(p =>
            {
                var item = Expression.Parameter(typeof(T), "x");
                var outcome = Expression.Property(Expressions.Inline(detainerOf, item), nameof(Detainer.Outcome));
                var predicate = Expression.Lambda<Func<T, bool>>(Expression.Equal(outcome, Expression.Constant(p.Outcome)), item);
                return (MemberBinding)Expression.Bind(p.Property, CountOf(group, predicate, detainerOf, distinct));
            });
            bindings.Add(Expression.Bind(typeof(DetainerStatsGroup).GetProperty(nameof(DetainerStatsGroup.Outcomes))!,
                Expression.MemberInit(Expression.New(typeof(DetainerOutcomeCounts)), counts)));
        }
        return Expression.Lambda<Func<IGrouping<TKey, T>, DetainerStatsGroup>>(
            Expression.MemberInit(Expression.New(typeof(DetainerStatsGroup)), bindings), group);
    }

    /// <summary><c>g.Count(predicate)</c>, or over charges <c>g.Where(predicate).Select(ch => ch.DetainerId).Distinct().Count()</c>.</summary>
    private static Expression CountOf<T>(Expression group, Expression<Func<T, bool>>? predicate, Expression<Func<T, Detainer>> detainerOf, bool distinct)
    {
        Expression items = group;
        if (!distinct)
        {
            return predicate is null
                ? Expression.Call(typeof(Enumerable), nameof(Enumerable.Count), [typeof(T)], items)
                : Expression.Call(typeof(Enumerable), nameof(Enumerable.Count), [typeof(T)], items, predicate);
        }
        if (predicate is not null)
        {
            items = Expression.Call(typeof(Enumerable), nameof(Enumerable.Where), [typeof(T)], items, predicate);
        }
        var item = Expression.Parameter(typeof(T), "x");
        var id = Expression.Lambda(Expression.Property(Expressions.Inline(detainerOf, item), nameof(Detainer.Id)), item);
        var ids = Expression.Call(typeof(Enumerable), nameof(Enumerable.Select), [typeof(T), typeof(long)], items, id);
        return Expression.Call(typeof(Enumerable), nameof(Enumerable.Count), [typeof(long)],
            Expression.Call(typeof(Enumerable), nameof(Enumerable.Distinct), [typeof(long)], ids));
    }

    /// <summary><c>x => new DetainerStatsKey { State = x...State, ... }</c> with only the asked-for members bound.</summary>
    internal static Expression<Func<T, DetainerStatsKey>> KeySelector<T>(IEnumerable<DetainerStatsDimension> dimensions, Expression<Func<T, Detainer>> detainerOf)
    {
        var parameter = Expression.Parameter(typeof(T), "x");
        var detainer = Expressions.Inline(detainerOf, parameter);
        var bindings = new List<MemberBinding>();
        foreach (var dimension in dimensions)
        {
            if (dimension == DetainerStatsDimension.ChargeCategory)
            {
                bindings.Add(Expression.Bind(typeof(DetainerStatsKey).GetProperty(nameof(DetainerStatsKey.ChargeCategory))!,
                    Expression.Property(parameter, nameof(ChargeCategoryRow.Category))));
                continue;
            }
            foreach (var (member, key) in Keys[dimension])
            {
                var property = typeof(DetainerStatsKey).GetProperty(member)!;
                var value = Expressions.Inline(key, detainer);
                bindings.Add(Expression.Bind(property, value.Type == property.PropertyType ? value : Expression.Convert(value, property.PropertyType)));
            }
        }
        return Expression.Lambda<Func<T, DetainerStatsKey>>(Expression.MemberInit(Expression.New(typeof(DetainerStatsKey)), bindings), parameter);
    }
}
