using System.Linq.Expressions;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Weeks;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

public enum DetainerStatsDimension
{
    State,
    Jurisdiction,
    FieldOffice,
    Week,
    Outcome,
    DetainerType,
    Citizenship,
    ChargeCategory,
    SourceKind,
    JurisdictionResolution,
}

/// <summary>One group's key: only the dimensions asked for are set.</summary>
public sealed class DetainerStatsKey
{
    public string? State { get; set; }
    public int? JurisdictionId { get; set; }
    public string? FieldOffice { get; set; }
    public DateOnly? Week { get; set; }
    public DetainerOutcome? Outcome { get; set; }
    public DetainerType? DetainerType { get; set; }
    public string? Citizenship { get; set; }
    public string? ChargeCategory { get; set; }
    public SourceKind? SourceKind { get; set; }
    public JurisdictionResolution? JurisdictionResolution { get; set; }

    /// <summary>The same keys: groups of published and synthetic records are matched on them.</summary>
    public (string?, int?, string?, DateOnly?, DetainerOutcome?, DetainerType?, string?, string?, SourceKind?, JurisdictionResolution?) Identity =>
        (State, JurisdictionId, FieldOffice, Week, Outcome, DetainerType, Citizenship, ChargeCategory, SourceKind, JurisdictionResolution);
}

/// <param name="SyntheticExcluded">Synthetic detainers with the same keys that were left out; null when they were counted.</param>
public sealed record DetainerStatsGroup(DetainerStatsKey Keys, int Count, int? SyntheticExcluded = null);

/// <summary>
/// <c>detainerStats</c>: counts of detainers grouped by any of eight dimensions, computed by one SQL
/// GROUP BY. Grouping by charge category counts a detainer once in each category of its charges.
/// </summary>
public static class DetainerStats
{
    public const int MaxGroups = 1000;

    private static readonly Dictionary<DetainerStatsDimension, (string Member, LambdaExpression Key)> Keys = new()
    {
        [DetainerStatsDimension.State] = (nameof(DetainerStatsKey.State), Key(d => d.Jurisdiction!.State)),
        [DetainerStatsDimension.Jurisdiction] = (nameof(DetainerStatsKey.JurisdictionId), Key(d => d.JurisdictionId)),
        [DetainerStatsDimension.FieldOffice] = (nameof(DetainerStatsKey.FieldOffice), Key(d => d.Jurisdiction!.FieldOffice)),
        [DetainerStatsDimension.Week] = (nameof(DetainerStatsKey.Week), Key(d => d.WeekStart)),
        [DetainerStatsDimension.Outcome] = (nameof(DetainerStatsKey.Outcome), Key(d => (DetainerOutcome?)d.Outcome)),
        [DetainerStatsDimension.DetainerType] = (nameof(DetainerStatsKey.DetainerType), Key(d => (DetainerType?)d.DetainerType)),
        [DetainerStatsDimension.Citizenship] = (nameof(DetainerStatsKey.Citizenship), Key(d => d.Citizenship)),
        [DetainerStatsDimension.SourceKind] = (nameof(DetainerStatsKey.SourceKind), Key(d => (SourceKind?)(d.IsSynthetic ? SourceKind.Synthetic : SourceKind.File))),
        [DetainerStatsDimension.JurisdictionResolution] = (nameof(DetainerStatsKey.JurisdictionResolution), Key(d => (JurisdictionResolution?)d.JurisdictionResolution)),
    };

    private static LambdaExpression Key<TKey>(Expression<Func<Detainer, TKey>> key) => key;

    public static void AddDetainerStatsQuery(this ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<DetainerStatsGroupGraphType>>>>("detainerStats")
            .Description("Counts of detainers, grouped by the dimensions asked for, largest groups first. Computed in the database. " +
                "Published records only unless `includeSynthetic` is true (each group's `syntheticExcluded` says how many synthetic ones with its keys were left out; groups with only synthetic detainers are not listed); group by SOURCE_KIND to see both side by side.")
            .Argument<DetainerFilterInputGraphType>("where", "Count only the detainers that match.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<DetainerStatsDimensionGraphType>>>>("groupBy", "The dimensions to group by; an empty list counts all matching detainers.")
            .Argument<IntGraphType>("first", $"At most this many groups (default and maximum {MaxGroups}).")
            .WithIncludeRetracted("detainers")
            .WithIncludeSynthetic("detainers")
            .ResolveAsync(async c =>
            {
                var dimensions = c.GetArgument<List<DetainerStatsDimension>>("groupBy").Distinct().ToList();
                var first = c.GetPageSizeArgument("first", MaxGroups) ?? MaxGroups;
                var detainers = c.Db().Detainers.Listed(c).Filtered<Detainer, DetainerFilterInputGraphType>(c);
                if (!c.ExcludesSynthetic())
                {
                    return await CountAsync(c.Db(), detainers, dimensions, first, c.CancellationToken);
                }
                var (published, synthetic) = detainers.SplitSynthetic(exclude: true);
                var groups = await CountAsync(c.Db(), published, dimensions, first, c.CancellationToken);
                if (!c.SelectsSyntheticExcluded())
                {
                    return groups;
                }
                // The synthetic side of the same groups: at most as many groups as the published side's keys can match.
                var left = (await CountAsync(c.Db(), synthetic!, dimensions, SyntheticGroupsRead, c.CancellationToken))
                    .ToDictionary(g => g.Keys.Identity, g => g.Count);
                return groups.Select(g => g with { SyntheticExcluded = left.GetValueOrDefault(g.Keys.Identity) }).ToList();
            });
    }

    /// <summary>How many groups of synthetic detainers are read to tell each published group how many were left out.</summary>
    private const int SyntheticGroupsRead = 100_000;

    public static async Task<List<DetainerStatsGroup>> CountAsync(
        DetainerDbContext db, IQueryable<Detainer> detainers, IReadOnlyCollection<DetainerStatsDimension> dimensions, int first, CancellationToken ct)
    {
        if (dimensions.Count == 0)
        {
            return [new DetainerStatsGroup(new DetainerStatsKey(), await DetainerCountRollup.CountAsync(db, detainers, ct))];
        }
        if (!dimensions.Contains(DetainerStatsDimension.ChargeCategory))
        {
            // From the DetainerCounts rollup when the filter and the dimensions allow (DetainerCountRollup).
            if (await DetainerCountRollup.TryGroupAsync(db, detainers, KeySelector<Detainer>(dimensions, d => d), first, ct) is { } fast)
            {
                return fast.Select(g => new DetainerStatsGroup(g.Key, g.Count)).ToList();
            }
            var key = KeySelector<Detainer>(dimensions, d => d);
            return await detainers.GroupBy(key)
                .OrderByDescending(g => g.Count())
                .Take(first)
                .Select(g => new DetainerStatsGroup(g.Key, g.Count()))
                .ToListAsync(ct);
        }
        // One row per detainer and category, so that each detainer counts once per category.
        var filteredIds = detainers.Select(d => d.Id);
        var charges = db.Charges.Where(ch => filteredIds.Contains(ch.DetainerId));
        var chargeKey = KeySelector<Charge>(dimensions, ch => ch.Detainer);
        return await charges.GroupBy(chargeKey)
            .OrderByDescending(g => g.Select(ch => ch.DetainerId).Distinct().Count())
            .Take(first)
            .Select(g => new DetainerStatsGroup(g.Key, g.Select(ch => ch.DetainerId).Distinct().Count()))
            .ToListAsync(ct);
    }

    /// <summary><c>x => new DetainerStatsKey { State = x...State, ... }</c> with only the asked-for members bound.</summary>
    private static Expression<Func<T, DetainerStatsKey>> KeySelector<T>(IEnumerable<DetainerStatsDimension> dimensions, Expression<Func<T, Detainer>> detainerOf)
    {
        var parameter = Expression.Parameter(typeof(T), "x");
        var detainer = Expressions.Inline(detainerOf, parameter);
        var bindings = new List<MemberBinding>();
        foreach (var dimension in dimensions)
        {
            if (dimension == DetainerStatsDimension.ChargeCategory)
            {
                bindings.Add(Expression.Bind(typeof(DetainerStatsKey).GetProperty(nameof(DetainerStatsKey.ChargeCategory))!,
                    Expression.Property(parameter, nameof(Charge.Category))));
                continue;
            }
            var (member, key) = Keys[dimension];
            var property = typeof(DetainerStatsKey).GetProperty(member)!;
            var value = Expressions.Inline(key, detainer);
            bindings.Add(Expression.Bind(property, value.Type == property.PropertyType ? value : Expression.Convert(value, property.PropertyType)));
        }
        return Expression.Lambda<Func<T, DetainerStatsKey>>(Expression.MemberInit(Expression.New(typeof(DetainerStatsKey)), bindings), parameter);
    }
}

public sealed class DetainerStatsDimensionGraphType : EnumerationGraphType<DetainerStatsDimension>
{
    public DetainerStatsDimensionGraphType()
    {
        Name = "DetainerStatsDimension";
        Description = "A dimension to group detainer counts by.";
        Values["STATE"]!.Description = "The jurisdiction's state.";
        Values["JURISDICTION"]!.Description = "The jurisdiction.";
        Values["FIELD_OFFICE"]!.Description = "The jurisdiction's ICE field office.";
        Values["WEEK"]!.Description = "The reporting week.";
        Values["OUTCOME"]!.Description = "The outcome.";
        Values["DETAINER_TYPE"]!.Description = "The detainer form.";
        Values["CITIZENSHIP"]!.Description = "The country of citizenship.";
        Values["CHARGE_CATEGORY"]!.Description = "The NCIC category of a charge: a detainer counts once in each category of its charges.";
        Values["SOURCE_KIND"]!.Description = "The kind of the detainer's source: FILE (published) or SYNTHETIC (generated demo; counted only with `includeSynthetic: true` or a `sourceKind` condition).";
        Values["JURISDICTION_RESOLUTION"]!.Description = "How the jurisdiction was found from the published names (see `Detainer.jurisdictionResolution`): audit a JURISDICTION or STATE count with it.";
    }
}

public sealed class DetainerStatsGroupGraphType : ObjectGraphType<DetainerStatsGroup>
{
    public DetainerStatsGroupGraphType()
    {
        Name = "DetainerStatsGroup";
        Description = "The number of detainers that share one combination of keys.";
        Field<NonNullGraphType<DetainerStatsKeyGraphType>>("keys").Description("The group's keys; dimensions not grouped by are null.").Resolve(c => c.Source.Keys);
        Field(g => g.Count).Description("How many detainers the group holds.");
        Field(g => g.SyntheticExcluded, nullable: true).Description("How many synthetic (generated demo) detainers with the same keys were left out, because stats count published sources only by default; null when `includeSynthetic: true` (or a `sourceKind` condition) counted them. Counted (by a second GROUP BY) only when asked for.");
    }
}

public sealed class DetainerStatsKeyGraphType : ObjectGraphType<DetainerStatsKey>
{
    public DetainerStatsKeyGraphType()
    {
        Name = "DetainerStatsKeys";
        Description = "The keys of a group of detainers. A key that is null within a grouped dimension means the value is unknown.";
        Field(k => k.State, nullable: true).Description("The state code.");
        Field<JurisdictionGraphType>("jurisdiction").Description("The jurisdiction.")
            .Resolve(c => c.Source.JurisdictionId is { } id ? c.LoadJurisdiction(id) : null);
        Field(k => k.FieldOffice, nullable: true).Description("The field office.");
        Field<WeekGraphType>("week").Description("The reporting week.")
            .Resolve(c => c.Source.Week is { } start ? Week.Starting(start) : null);
        Field<DetainerOutcomeGraphType>("outcome").Description("The outcome.").Resolve(c => c.Source.Outcome);
        Field<DetainerTypeGraphType>("detainerType").Description("The detainer form.").Resolve(c => c.Source.DetainerType);
        Field(k => k.Citizenship, nullable: true).Description("The country of citizenship.");
        Field(k => k.ChargeCategory, nullable: true).Description("The NCIC charge category.");
        Field<SourceKindGraphType>("sourceKind").Description("The kind of the detainers' source.").Resolve(c => c.Source.SourceKind);
        Field<JurisdictionResolutionGraphType>("jurisdictionResolution").Description("How the detainers' jurisdiction was found.").Resolve(c => c.Source.JurisdictionResolution);
    }
}
