using System.Globalization;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Facilities;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Weeks;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

/// <summary>The stats root fields, <c>detainerStats</c> (a capped list) and <c>detainerGroups</c> (a connection).</summary>
public static class DetainerStatsQueries
{
    public const int DefaultGroupPageSize = 100;
    public const string TruncatedCode = "RESULT_TRUNCATED";
    public const string SyntheticExcludedCode = "SYNTHETIC_EXCLUDED";

    public static void AddDetainerStatsQuery(this ObjectGraphType query)
    {
        query.Field<ListGraphType<NonNullGraphType<DetainerStatsGroupGraphType>>>("detainerStats")
            .Description($"Counts of detainers, grouped by the dimensions asked for, largest groups first by default. Computed in the database. " +
                "Published records only unless `includeSynthetic` is true (each group's `syntheticExcluded` says how many synthetic ones with its keys were left out; groups with only synthetic detainers are not listed); group by SOURCE_KIND to see both side by side. " +
                $"When no published detainer matches but synthetic ones do, the response's `extensions.warnings` holds a `{SyntheticExcludedCode}` entry for this path whose `syntheticExcluded` says how many were left out. " +
                $"Returns at most `first` groups (default and maximum {DetainerStats.MaxGroups}); when more exist, the response's `extensions.warnings` holds a `{TruncatedCode}` entry for this path. Use `detainerGroups` to page through every group with a total.")
            .WithStatsArguments()
            .Argument<IntGraphType>("first", $"At most this many groups (default and maximum {DetainerStats.MaxGroups}).")
            .WithPageSizeLimit(DetainerStats.MaxGroups)
            .ResolveAsync(async c => await c.StatsListAsync(c.Db().Detainers.ExceptRetractedUnlessAsked(c), signalsSyntheticExcluded: true));

        query.Field<ConnectionGraphType<DetainerStatsGroupGraphType, DetainerStatsGroup>>("detainerGroups")
            .Description($"Counts of detainers grouped by the dimensions asked for, as pages: `totalCount` is the number of groups and `pageInfo.hasNextPage` says whether more follow. Default page {DefaultGroupPageSize} groups, maximum {DetainerStats.MaxGroups}. " +
                "Published records only unless `includeSynthetic` is true: the connection's `syntheticExcluded` counts the synthetic detainers left out, each group's those with its keys.")
            .WithStatsArguments()
            .WithPagingArguments(maxPageSize: DetainerStats.MaxGroups)
            .ResolveAsync(async c =>
            {
                var (shown, excluded) = c.Db().Detainers.ExceptRetractedUnlessAsked(c).SplitSynthetic(c.ExcludesSynthetic());
                var connection = await (await c.StatsGroupsAsync(shown))
                    .ToConnectionAsync(c, pageSizes: new PagingOptions { DefaultPageSize = DefaultGroupPageSize, MaxPageSize = DetainerStats.MaxGroups });
                if (excluded is not null)
                {
                    var left = excluded.Filtered<Detainer, DetainerFilterInputGraphType>(c);
                    connection.CountSyntheticExcluded = token => DetainerCountRollup.CountAsync(c.Db(), left, token, resident: c.ResidentCounts());
                    if (c.SelectsField("syntheticExcluded"))
                    {
                        await c.CountSyntheticExcludedAsync(connection.Nodes, excluded);
                    }
                }
                return connection;
            });
    }

    /// <summary>How many groups of synthetic detainers are read to tell each published group how many were left out.</summary>
    private const int SyntheticGroupsRead = 100_000;

    /// <summary>
    /// Sets each group's <see cref="DetainerStatsGroup.SyntheticExcluded"/>: a second GROUP BY over the synthetic
    /// detainers the field left out (<paramref name="excluded"/>, before its <c>where</c>), matched on the keys.
    /// </summary>
    public static async Task CountSyntheticExcludedAsync(this IResolveFieldContext c, IReadOnlyList<DetainerStatsGroup> groups, IQueryable<Detainer> excluded)
    {
        if (groups.Count == 0)
        {
            return;
        }
        var dimensions = c.GetArgument<List<DetainerStatsDimension>>("groupBy").Distinct().ToList();
        var synthetic = DetainerStats.Groups(c.Db(), excluded.Filtered<Detainer, DetainerFilterInputGraphType>(c), dimensions, DetainerStatsOrder.CountDesc, withOutcomes: false, c.ResidentCounts());
        var left = (await synthetic.Take(SyntheticGroupsRead).ToListAsync(c.CancellationToken))
            .GroupBy(g => g.Keys.Identity).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        foreach (var group in groups)
        {
            group.SyntheticExcluded = left.GetValueOrDefault(group.Keys.Identity);
        }
    }

    /// <summary>The arguments every stats field takes: <c>groupBy</c>, <c>where</c>, <c>order</c>, <c>includeRetracted</c>.</summary>
    public static FieldBuilder<TSource, TReturn> WithStatsArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field
            .Argument<DetainerFilterInputGraphType>("where", "Count only the detainers that match.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<DetainerStatsDimensionGraphType>>>>("groupBy", "The dimensions to group by; an empty list counts all matching detainers as one group.")
            .Argument<DetainerStatsOrderGraphType>("order", "How to order the groups (default COUNT_DESC). Ties are broken by the keys, in `groupBy` order.", a => a.DefaultValue = DetainerStatsOrder.CountDesc)
            .WithIncludeRetracted("detainers")
            .WithIncludeSynthetic("detainers");

    /// <summary>
    /// The first <c>first</c> groups (all up to <see cref="DetainerStats.MaxGroups"/> when the field has no such
    /// argument), with a <see cref="TruncatedCode"/> warning when more exist. With <paramref name="signalsSyntheticExcluded"/>
    /// (the root <c>detainerStats</c>), an answer in which no published detainer matched says, with a
    /// <see cref="SyntheticExcludedCode"/> warning, how many synthetic ones matched and were left out, when any did: the
    /// list has no field of its own to carry it (as <c>detainerGroups.syntheticExcluded</c> does), and without it such an
    /// answer was <c>[]</c> with no word. The count is the one <c>detainerGroups.syntheticExcluded</c> reads (from the
    /// rollups when the filter allows, <see cref="DetainerCountRollup.CountAsync"/>), run only for such an answer.
    /// </summary>
    public static async Task<List<DetainerStatsGroup>> StatsListAsync(this IResolveFieldContext c, IQueryable<Detainer> detainers, bool signalsSyntheticExcluded = false)
    {
        var first = (c.FieldDefinition.Arguments?.Find("first") is null ? null : c.GetPageSizeArgument("first", DetainerStats.MaxGroups)) ?? DetainerStats.MaxGroups;
        var (shown, excluded) = detainers.SplitSynthetic(c.ExcludesSynthetic());
        var (groups, truncated) = await DetainerStats.FirstAsync(c.Db(), await c.StatsGroupsAsync(shown), first, c.CancellationToken);
        if (signalsSyntheticExcluded && excluded is not null && groups.Count == 0 && first > 0)
        {
            var left = await DetainerCountRollup.CountAsync(c.Db(), excluded.Filtered<Detainer, DetainerFilterInputGraphType>(c), c.CancellationToken, resident: c.ResidentCounts());
            if (left > 0)
            {
                c.Warn(SyntheticExcludedCode,
                    $"No published detainer matches; {left:N0} synthetic (generated demo) detainers do and were left out. Pass `includeSynthetic: true` to count them.",
                    ("syntheticExcluded", left));
            }
        }
        if (groups.Count == 0 && first > 0 && c.GetArgument<List<DetainerStatsDimension>>("groupBy").Count == 0)
        {
            // GROUP BY over no rows yields no group; "count everything" is one group, of zero.
            groups.Add(new DetainerStatsGroup { Outcomes = new DetainerOutcomeCounts() });
        }
        if (excluded is not null && c.SelectsSyntheticExcluded())
        {
            await c.CountSyntheticExcludedAsync(groups, excluded);
        }
        if (truncated)
        {
            c.Warn(TruncatedCode, $"More than {first} groups match; this answer holds the first {first}. Page through them all with `detainerGroups`.");
        }
        return groups;
    }

    /// <summary>
    /// The field's groups of <paramref name="detainers"/> after its <c>where</c>, per its <c>groupBy</c> and <c>order</c>. A root
    /// field's that reads the detainer table or the finest rollup (<see cref="DetainerCountRollup.ReadsRowByRow"/>) first waits
    /// for a scan slot on a large store (<see cref="ScanAdmission"/>); a place's own stats (<c>Jurisdiction.stats</c>,
    /// <c>Facility.stats</c>) reach its rows by index and never wait.
    /// </summary>
    public static async Task<IQueryable<DetainerStatsGroup>> StatsGroupsAsync(this IResolveFieldContext c, IQueryable<Detainer> detainers)
    {
        var dimensions = c.GetArgument<List<DetainerStatsDimension>>("groupBy").Distinct().ToList();
        var order = c.GetArgument("order", DetainerStatsOrder.CountDesc);
        var groups = DetainerStats.Groups(c.Db(), detainers.Filtered<Detainer, DetainerFilterInputGraphType>(c), dimensions, order, c.SelectsField("outcomes"), c.ResidentCounts());
        if (ScanAdmission.ForRootField(c) is { } admit && DetainerCountRollup.ReadsRowByRow(groups))
        {
            await admit(c.CancellationToken);
        }
        return groups;
    }

    /// <summary>Whether the field's selection asks, at any depth (fragments included), for a field called <paramref name="name"/>.</summary>
    public static bool SelectsField(this IResolveFieldContext c, string name)
    {
        var fragments = c.Document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue, StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        return Selects(c.FieldAst.SelectionSet);

        bool Selects(GraphQLSelectionSet? set) => set is not null && set.Selections.Any(s => s switch
        {
            GraphQLField field => field.Name.StringValue == name || Selects(field.SelectionSet),
            GraphQLInlineFragment inline => Selects(inline.SelectionSet),
            GraphQLFragmentSpread spread => visited.Add(spread.FragmentName.Name.StringValue)
                && fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment) && Selects(fragment.SelectionSet),
            _ => false,
        });
    }

    /// <summary>A non-fatal note in the response's <c>extensions.warnings</c>: the data stands, the client should know.</summary>
    public static void Warn(this IResolveFieldContext c, string code, string message, params (string Name, object? Value)[] values)
    {
        var warning = new Dictionary<string, object?> { ["code"] = code, ["message"] = message, ["path"] = c.Path.ToList() };
        foreach (var (name, value) in values)
        {
            warning[name] = value;
        }
        lock (c.OutputExtensions)
        {
            if (!c.OutputExtensions.TryGetValue("warnings", out var existing) || existing is not List<object> warnings)
            {
                c.OutputExtensions["warnings"] = warnings = [];
            }
            warnings.Add(warning);
        }
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
        Values["FACILITY"]!.Description = "The facility holding the person (known for rows whose jurisdiction is not).";
        Values["WEEK"]!.Description = "The reporting week (null for detainers in no weekly report, such as the published Pennsylvania and Travis County records, 1991-2016).";
        Values["ISSUED_YEAR"]!.Description = "The calendar year the detainer was issued.";
        Values["ISSUED_QUARTER"]!.Description = "The calendar quarter the detainer was issued.";
        Values["ISSUED_MONTH"]!.Description = "The calendar month the detainer was issued.";
        Values["OUTCOME_YEAR"]!.Description = "The calendar year its outcome was recorded.";
        Values["OUTCOME_QUARTER"]!.Description = "The calendar quarter its outcome was recorded.";
        Values["OUTCOME_MONTH"]!.Description = "The calendar month its outcome was recorded.";
        Values["OUTCOME"]!.Description = "The outcome.";
        Values["DETAINER_TYPE"]!.Description = "The detainer form.";
        Values["CITIZENSHIP"]!.Description = "The country of citizenship.";
        Values["CHARGE_CATEGORY"]!.Description = "The NCIC category of a charge: a detainer counts once in each category of its charges, and in the unknown (null) group when it has no charges or a charge of no known category, so every detainer counted is in at least one group.";
        Values["SOURCE_KIND"]!.Description = "The kind of the detainer's source: FILE (published) or SYNTHETIC (generated demo; counted only with `includeSynthetic: true` or a `sourceKind` condition).";
        Values["JURISDICTION_RESOLUTION"]!.Description = "How the jurisdiction was found from the published names (see `Detainer.jurisdictionResolution`): audit a JURISDICTION or STATE count with it.";
        Values["PLACE_OF_BIRTH"]!.Description = "The place of birth as the source gave it (see `Detainer.placeOfBirth`; a jail's records say where a person was born, not their citizenship, so the two are never merged).";
        Values["ISSUED_ON_OR_AFTER_YEAR"]!.Description = "The year of `Detainer.issuedOnOrAfter`: for records without an issue date (a jail's bookings, such as Travis County's), the year of the booking the detainer was lodged on or after. ISSUED_YEAR puts those records in its unknown group.";
    }
}

public sealed class DetainerStatsOrderGraphType : EnumerationGraphType<DetainerStatsOrder>
{
    public DetainerStatsOrderGraphType()
    {
        Name = "DetainerStatsOrder";
        Description = "How to order groups of detainers. Ties are broken by the keys, so pages are stable.";
        Values["COUNT_DESC"]!.Description = "Largest groups first.";
        Values["COUNT_ASC"]!.Description = "Smallest groups first.";
        Values["KEY_ASC"]!.Description = "By the keys in `groupBy` order, ascending (unknown values first): a time series in time order.";
        Values["KEY_DESC"]!.Description = "By the keys in `groupBy` order, descending (unknown values last).";
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
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DetainerOutcomeCountGraphType>>>>("outcomes")
            .Description("How many of the group's detainers ended in each outcome, outcomes with none left out; they add up to `count`. Divide by `count` for a rate (e.g. of DECLINED_BY_LEA).")
            .Resolve(c => c.Source.Outcomes?.NonZero().Select(o => new DetainerOutcomeCount(o.Outcome, o.Count)).ToList() ?? []);
        Field(g => g.SyntheticExcluded, nullable: true).Description("How many synthetic (generated demo) detainers with the same keys were left out, because stats count published sources only by default; null when `includeSynthetic: true` (or a `sourceKind` condition) counted them. Counted (by a second GROUP BY) only when asked for.");
    }
}

public sealed record DetainerOutcomeCount(DetainerOutcome Outcome, int Count);

public sealed class DetainerOutcomeCountGraphType : ObjectGraphType<DetainerOutcomeCount>
{
    public DetainerOutcomeCountGraphType()
    {
        Name = "DetainerOutcomeCount";
        Description = "How many detainers of a group ended in one outcome.";
        Field<NonNullGraphType<DetainerOutcomeGraphType>>("outcome").Description("The outcome.").Resolve(c => c.Source.Outcome);
        Field(o => o.Count).Description("How many detainers ended in it.");
    }
}

/// <summary>A calendar year, quarter or month.</summary>
public sealed record Period(DateOnly Start, DateOnly End, string Label)
{
    public static Period? Year(int? year) => year is { } y ? new(new(y, 1, 1), new(y, 12, 31), y.ToString(CultureInfo.InvariantCulture)) : null;

    public static Period? Quarter(int? year, int? quarter) => year is { } y && quarter is { } q
        ? new(new(y, q * 3 - 2, 1), new(y, q * 3, DateTime.DaysInMonth(y, q * 3)), string.Create(CultureInfo.InvariantCulture, $"{y}-Q{q}"))
        : null;

    public static Period? Month(int? year, int? month) => year is { } y && month is { } m
        ? new(new(y, m, 1), new(y, m, DateTime.DaysInMonth(y, m)), string.Create(CultureInfo.InvariantCulture, $"{y}-{m:00}"))
        : null;
}

public sealed class PeriodGraphType : ObjectGraphType<Period>
{
    public PeriodGraphType()
    {
        Name = "Period";
        Description = "A calendar year, quarter or month.";
        Field<NonNullGraphType<IsoDateGraphType>>("start").Description("Its first day: feed it to a `gte` filter, or use it as a chart's x value.").Resolve(c => c.Source.Start);
        Field<NonNullGraphType<IsoDateGraphType>>("end").Description("Its last day: feed it to a `lte` filter.").Resolve(c => c.Source.End);
        Field(p => p.Label).Description("\"2017\", \"2017-Q1\" or \"2017-03\".");
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
        Field<FacilityGraphType>("facility").Description("The facility.")
            .Resolve(c => c.Source.FacilityId is { } id ? c.LoadFacility(id) : null);
        Field<WeekGraphType>("week").Description("The reporting week.")
            .Resolve(c => c.Source.Week is { } start ? Week.Starting(start) : null);
        Field<PeriodGraphType>("issuedYear").Description("The year issued.").Resolve(c => Period.Year(c.Source.IssuedYear));
        Field<PeriodGraphType>("issuedQuarter").Description("The quarter issued.").Resolve(c => Period.Quarter(c.Source.IssuedQuarterYear, c.Source.IssuedQuarter));
        Field<PeriodGraphType>("issuedMonth").Description("The month issued.").Resolve(c => Period.Month(c.Source.IssuedMonthYear, c.Source.IssuedMonth));
        Field<PeriodGraphType>("outcomeYear").Description("The year the outcome was recorded.").Resolve(c => Period.Year(c.Source.OutcomeYear));
        Field<PeriodGraphType>("outcomeQuarter").Description("The quarter the outcome was recorded.").Resolve(c => Period.Quarter(c.Source.OutcomeQuarterYear, c.Source.OutcomeQuarter));
        Field<PeriodGraphType>("outcomeMonth").Description("The month the outcome was recorded.").Resolve(c => Period.Month(c.Source.OutcomeMonthYear, c.Source.OutcomeMonth));
        Field<DetainerOutcomeGraphType>("outcome").Description("The outcome.").Resolve(c => c.Source.Outcome);
        Field<DetainerTypeGraphType>("detainerType").Description("The detainer form.").Resolve(c => c.Source.DetainerType);
        Field(k => k.Citizenship, nullable: true).Description("The country of citizenship.");
        Field(k => k.ChargeCategory, nullable: true).Description("The NCIC charge category.");
        Field<SourceKindGraphType>("sourceKind").Description("The kind of the detainers' source.").Resolve(c => c.Source.SourceKind);
        Field<JurisdictionResolutionGraphType>("jurisdictionResolution").Description("How the detainers' jurisdiction was found.").Resolve(c => c.Source.JurisdictionResolution);
        Field(k => k.PlaceOfBirth, nullable: true).Description("The place of birth as the source gave it.");
        Field<PeriodGraphType>("issuedOnOrAfterYear").Description("The year of the date the detainers were issued on or after (a jail booking's year).").Resolve(c => Period.Year(c.Source.IssuedOnOrAfterYear));
    }
}
