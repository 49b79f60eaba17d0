using System.Linq.Expressions;
using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace DetainerGraph.Detainers;

/// <summary>
/// Places published by default, as detainers are (<see cref="SyntheticRecords"/>): an import creates the jurisdictions,
/// facilities and weeks its rows name, so a synthetic (generated) file adds places nobody published. A place is
/// <b>synthetic</b> when a synthetic source created it and no published record names it:
/// <list type="bullet">
/// <item>a jurisdiction: its source is synthetic, and no published detainer, Section I entry, policy or published
/// facility names it;</item>
/// <item>a facility: its source is synthetic, and no published detainer was lodged there;</item>
/// <item>a week (weeks keep no source): a synthetic detainer falls in it, and no published detainer, report or
/// Section I entry does.</item>
/// </list>
/// A place a synthetic import created first and a published file named later is real (its <c>source</c> still says
/// which file created it). Lists of places leave synthetic ones out unless <c>includeSynthetic: true</c>, and say how many
/// they left out; <c>node</c> and the lookups by ID return them, marked <c>isSynthetic</c>. Decided when read, so a
/// correction that moves a published detainer to a place makes it real at once. Every test reads the rows the
/// database already keeps: the <c>DetainerCounts</c> rollup, asked once per list for the published (and synthetic) places' keys.
/// </summary>
public static class SyntheticPlaces
{
    /// <summary>The description of the <c>syntheticExcluded</c> field of a list of places.</summary>
    public const string ExcludedDescription =
        "How many places known only from synthetic sources (created by a generated demo import and named by no published record) matched but were left out, " +
        "because lists answer from published sources only by default; null when they were included. Pass `includeSynthetic: true` to include them.";

    /// <summary>Adds <c>includeSynthetic: Boolean = false</c> to a field that lists places.</summary>
    public static FieldBuilder<TSource, TReturn> WithIncludeSyntheticPlaces<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string what, bool counted = true) =>
        field.Argument<BooleanGraphType>(SyntheticRecords.IncludeSynthetic,
            $"Whether to list {what} known only from synthetic sources (created by a generated demo import and named by no published record) too. " +
            "By default they are left out" + (counted ? ", and `syntheticExcluded` says how many." : "."),
            a => a.DefaultValue = false);

    /// <summary>Whether this field leaves synthetic places out: unless it has <c>includeSynthetic: true</c>.</summary>
    public static bool ExcludesSyntheticPlaces(this IResolveFieldContext context) => !context.GetArgument(SyntheticRecords.IncludeSynthetic, false);

    // Each test below asks the DetainerCounts rollup (every group of detainers, zero groups deleted) once per query, with
    // a subquery that names no place (the published, or synthetic, places' keys), rather than the detainers of each
    // place in turn: a place holding only synthetic detainers had every one of them read to find no published one
    // (0.3-0.55 s per list at 100,000 generated detainers, ten times that at a million).

    /// <summary>The facilities some published detainer (retracted ones included) was lodged at.</summary>
    private static IQueryable<int?> PublishedFacilities(DetainerDbContext db) =>
        DetainerCountRollup.Rows<DetainerCount>(db).Where(c => !c.IsSynthetic && c.FacilityId != null).Select(c => c.FacilityId);

    /// <summary>Whether a jurisdiction is synthetic: created by a synthetic source and named by no published record.</summary>
    public static Expression<Func<Jurisdiction, bool>> SyntheticJurisdiction(DetainerDbContext db)
    {
        var published = DetainerCountRollup.Rows<DetainerCount>(db).Where(c => !c.IsSynthetic && c.JurisdictionId != null).Select(c => c.JurisdictionId);
        var publishedFacilities = PublishedFacilities(db);
        var namedByPublishedFacilities = db.Facilities
            .Where(f => f.JurisdictionId != null && (f.Source.Kind != SourceKind.Synthetic || publishedFacilities.Contains(f.Id)))
            .Select(f => f.JurisdictionId);
        return j => j.Source.Kind == SourceKind.Synthetic
            && !published.Contains(j.Id)
            && !j.Policies.Any()
            && !db.SectionOneEntries.Any(e => e.JurisdictionId == j.Id)
            && !namedByPublishedFacilities.Contains(j.Id);
    }

    /// <summary>Whether a facility is synthetic: created by a synthetic source, and no published detainer was lodged there.</summary>
    public static Expression<Func<Facility, bool>> SyntheticFacility(DetainerDbContext db)
    {
        var published = PublishedFacilities(db);
        return f => f.Source.Kind == SourceKind.Synthetic && !published.Contains(f.Id);
    }

    /// <summary>Whether a week is synthetic: a synthetic detainer falls in it, and no published detainer, report or Section I entry does.</summary>
    public static Expression<Func<Week, bool>> SyntheticWeek(DetainerDbContext db)
    {
        // The state-and-week rollup: the fewest rows that still know every detainer's week (15,954 at a million).
        var rows = DetainerCountRollup.Rows<DetainerStateWeekCount>(db).Where(c => c.WeekStart != null);
        var published = rows.Where(c => !c.IsSynthetic).Select(c => c.WeekStart);
        var synthetic = rows.Where(c => c.IsSynthetic).Select(c => c.WeekStart);
        return w => w.Report == null
            && !db.SectionOneEntries.Any(e => e.WeekStart == w.Start)
            && !published.Contains(w.Start)
            && synthetic.Contains(w.Start);
    }

    /// <summary>
    /// The places of <paramref name="matching"/> that are not <paramref name="synthetic"/> when <paramref name="exclude"/>,
    /// with the query that counts what was left out; otherwise all of them and no count.
    /// </summary>
    public static (IQueryable<T> Shown, IQueryable<T>? Excluded) SplitSyntheticPlaces<T>(this IQueryable<T> matching, Expression<Func<T, bool>> synthetic, bool exclude) =>
        exclude ? (matching.Where(Not(synthetic)), matching.Where(synthetic)) : (matching, null);

    /// <summary>Only the places that are not <paramref name="synthetic"/>.</summary>
    public static IQueryable<T> Published<T>(this IQueryable<T> places, Expression<Func<T, bool>> synthetic) => places.Where(Not(synthetic));

    private static Expression<Func<T, bool>> Not<T>(Expression<Func<T, bool>> predicate) =>
        Expression.Lambda<Func<T, bool>>(Expression.Not(predicate.Body), predicate.Parameters);
}
