using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Search;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;

namespace DetainerGraph.Charges;

public static partial class ChargeSearchQueries
{
    public static void AddChargeSearchQueries(this ObjectGraphType query)
    {
        query.Field<ChargeSearchConnectionGraphType>("searchCharges")
            .Description("Full-text search over charge descriptions, NCIC codes and categories, best matches first. " +
                "Words are ANDed and matched with their stems, synonyms and abbreviations (DUI, agg, poss…) and with typos tolerated; " +
                "\"quoted phrases\" match exactly; a trailing * matches a prefix. An empty query matches every charge. " +
                "Published charges only unless `includeSynthetic` is true or `sourceKind` says otherwise: `syntheticExcluded` counts the synthetic hits left out. Null, with an error coded in `extensions.code`, when the query is refused or search is unavailable: other fields still answer.")
            .Argument<NonNullGraphType<StringGraphType>>("query", $"The search text, at most {ChargeQuery.MaxLength} characters. It is read as words, phrases and prefixes only: no engine syntax.")
            .Argument<DetainerFilterInputGraphType>("where",
                "Conditions on the charge's detainer, the same input the detainer lists take, applied inside the search engine so totals and pages are exact. " +
                "Supported: `jurisdiction { ... }` and `week { ... }` (any of their conditions), `outcome` and `detainerType` (eq, in, neq, nin), `citizenship` (eq, in), `and`. " +
                "Anything else is refused with SEARCH_FILTER_UNSUPPORTED rather than filtered after the search.")
            .Argument<ListGraphType<NonNullGraphType<ChargeStatusGraphType>>>("chargeStatus", "Only charges with one of these statuses (the hit's own status).")
            .Argument<ListGraphType<NonNullGraphType<StringGraphType>>>("chargeCategory", "Only charges in one of these NCIC blocks, e.g. \"Traffic Offense\" (the CHARGE_CATEGORY facet's values).")
            .Argument<ListGraphType<NonNullGraphType<SourceKindGraphType>>>("sourceKind", "Only charges whose detainer comes from a source of one of these kinds (the SOURCE_KIND facet's values). Given, it replaces the default of published (FILE) sources only: `[SYNTHETIC]` searches the demo alone.")
            .WithIncludeSynthetic("charges")
            .WithPagingArguments("hits", lastOfAll: true)
            .ResolveAsync(async c =>
            {
                var page = await SearchAsync(c);
                await ReadHitRowsAsync(c, page);
                return page;
            });
    }

    /// <summary>
    /// When the selection reads both the hits' charges and their detainers, reads both in one joined statement: one
    /// statement instead of two. The charges are whole rows, handed to <see cref="ChargeDataLoaders.ChargeById"/>, which
    /// then answers without a statement of its own. The detainers are read in one of two ways:
    /// <list type="bullet">
    /// <item>When every <c>detainer</c> selection of the hits names only <see cref="DetainerPageColumns.NarrowFields"/>
    /// (directly, without fragments), only those columns (<see cref="DetainerPageColumns.Narrow"/>): the detainer is
    /// the widest row of the two, and a search page shows a few of its fields. The narrow rows are kept by hit
    /// (<see cref="SearchHitDetainers"/>), where only the hits' own <c>detainer</c> field reads them: the detainer
    /// loader never sees a partial row, so any other field of the request that loads the same detainer reads it
    /// whole.</item>
    /// <item>Otherwise whole rows, handed to <see cref="DetainerDataLoaders.DetainerById"/> as to the charge loader.</item>
    /// </list>
    /// A hit whose detainer the join did not give is read by its loader as before. Should this read fail (short of
    /// cancellation), nothing is primed and the loaders read, and report any failure, exactly as they always did.
    /// </summary>
    private static async Task ReadHitRowsAsync(IResolveFieldContext context, ChargeSearchPage page)
    {
        if (page.Nodes.Count == 0 || !SelectsOnHits(context, "charge", "why") || !SelectsOnHits(context, "detainer"))
        {
            return;
        }
        var ids = page.Nodes.Select(h => h.ChargeId).Distinct().ToArray();
        var narrow = HitDetainersAreNarrow(context.FieldAst.SelectionSet);
        var rows = new List<HitRow>(ids.Length);
        try
        {
            var db = context.Db();
            await foreach (var row in HitRowQueries.For(db).Read(db, ids, narrow).WithCancellation(context.CancellationToken))
            {
                rows.Add(row);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return;
        }
        foreach (var (charge, detainer) in rows)
        {
            ChargeDataLoaders.ChargeById.Prime(context, charge.Id, charge);
            if (!narrow)
            {
                DetainerDataLoaders.DetainerById.Prime(context, detainer.Id, detainer);
            }
        }
        if (narrow)
        {
            var detainers = rows.ToDictionary(r => r.Charge.Id, r => r.Detainer);
            var kept = context.RequestServices!.GetRequiredService<SearchHitDetainers>();
            foreach (var hit in page.Nodes)
            {
                if (detainers.TryGetValue(hit.ChargeId, out var detainer))
                {
                    kept.Keep(hit, detainer);
                }
            }
        }
    }

    /// <summary>
    /// Whether every <c>detainer</c> field of the hits (under <c>nodes</c> or <c>edges { node }</c>) selects only
    /// <see cref="DetainerPageColumns.NarrowFields"/>. Any fragment on the way (on the connection, an edge or a hit) could
    /// select anything, so it means no.
    /// </summary>
    private static bool HitDetainersAreNarrow(GraphQLSelectionSet? connection) => Paging.EveryNodeSelection(connection, HitIsNarrow);

    private static bool HitIsNarrow(GraphQLSelectionSet? hit)
    {
        foreach (var selection in hit?.Selections ?? [])
        {
            if (selection is not GraphQLField field || field.Name.StringValue == "detainer" && !DetainerPageColumns.NodeIsNarrow(field.SelectionSet))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The hits' charges with their detainers as compiled queries, one set per EF Core model (so per provider): the
    /// rows of the LINQ query <c>Charges.Where(c => ids.Contains(c.Id)).Select(c => (c, c.Detainer))</c>, without
    /// building its expression tree, parameterizing it and looking it up in EF Core's query cache on every search.
    /// <list type="bullet">
    /// <item>One compiled query shared by every model was tried before (BENCHMARKS.md, "Tried"): EF Core keeps one
    /// model's executor in it and rebuilds it when a context of another model calls, and with the SQLite and SQL Server
    /// contexts in one process (the tests) a search could run the other provider's executor. Keyed by the model, each
    /// compiled query only ever sees the model it was made for; the table holds models weakly.</item>
    /// <item>Each comes in two shapes: the detainer whole, or narrow (<see cref="NarrowRow"/>).</item>
    /// <item>A list parameter (<c>ids.Contains</c>) is expanded into one SQL parameter per ID, so EF Core generates the
    /// statement's text again on every execution. A page of at most <see cref="Slots"/> hits (the usual <c>first: 10</c>)
    /// is read with exactly <see cref="Slots"/> ID parameters instead, the unused ones repeating the first ID: the
    /// text never changes and EF Core keeps it. <c>IN</c> with a repeated value selects the same rows.</item>
    /// </list>
    /// </summary>
    private sealed class HitRowQueries
    {
        public const int Slots = 10;

        private static readonly ConditionalWeakTable<IModel, HitRowQueries> PerModel = [];

        private readonly Func<DetainerDbContext, long[], IAsyncEnumerable<HitRow>> _any = EF.CompileAsyncQuery((DetainerDbContext db, long[] ids) =>
            db.Charges.Where(charge => ids.Contains(charge.Id)).Select(charge => new HitRow(charge, charge.Detainer)));

        private readonly Func<DetainerDbContext, long, long, long, long, long, long, long, long, long, long, IAsyncEnumerable<HitRow>> _slots =
            EF.CompileAsyncQuery((DetainerDbContext db, long id0, long id1, long id2, long id3, long id4, long id5, long id6, long id7, long id8, long id9) =>
                db.Charges.Where(charge => new[] { id0, id1, id2, id3, id4, id5, id6, id7, id8, id9 }.Contains(charge.Id))
                    .Select(charge => new HitRow(charge, charge.Detainer)));

        private readonly Func<DetainerDbContext, long[], IAsyncEnumerable<HitRow>> _narrowAny = EF.CompileAsyncQuery((DetainerDbContext db, long[] ids) =>
            db.Charges.Where(charge => ids.Contains(charge.Id)).Select(NarrowRow));

        private readonly Func<DetainerDbContext, long, long, long, long, long, long, long, long, long, long, IAsyncEnumerable<HitRow>> _narrowSlots =
            EF.CompileAsyncQuery((DetainerDbContext db, long id0, long id1, long id2, long id3, long id4, long id5, long id6, long id7, long id8, long id9) =>
                db.Charges.Where(charge => new[] { id0, id1, id2, id3, id4, id5, id6, id7, id8, id9 }.Contains(charge.Id))
                    .Select(NarrowRow));

        /// <summary>A charge with <see cref="DetainerPageColumns.Narrow"/> of its detainer: the same columns the narrow list page reads.</summary>
        private static readonly Expression<Func<Charge, HitRow>> NarrowRow = ComposeNarrowRow();

        public static HitRowQueries For(DetainerDbContext db) => PerModel.GetValue(db.Model, _ => new HitRowQueries());

        /// <summary>The rows of <paramref name="ids"/> (distinct, at least one), their detainers whole or <paramref name="narrow"/>.</summary>
        public IAsyncEnumerable<HitRow> Read(DetainerDbContext db, long[] ids, bool narrow)
        {
            if (ids.Length > Slots)
            {
                return narrow ? _narrowAny(db, ids) : _any(db, ids);
            }
            long Id(int i) => ids[i < ids.Length ? i : 0];
            return (narrow ? _narrowSlots : _slots)(db, Id(0), Id(1), Id(2), Id(3), Id(4), Id(5), Id(6), Id(7), Id(8), Id(9));
        }

        private static Expression<Func<Charge, HitRow>> ComposeNarrowRow()
        {
            var charge = Expression.Parameter(typeof(Charge), "charge");
            var narrow = DetainerPageColumns.Narrow;
            var detainer = ReplacingExpressionVisitor.Replace(narrow.Parameters[0], Expression.Property(charge, nameof(Charge.Detainer)), narrow.Body);
            var row = typeof(HitRow).GetConstructor([typeof(Charge), typeof(Detainer)])!;
            return Expression.Lambda<Func<Charge, HitRow>>(Expression.New(row, charge, detainer), charge);
        }
    }

    private sealed record HitRow(Charge Charge, Detainer Detainer);

    private static async Task<ChargeSearchPage> SearchAsync(IResolveFieldContext context)
    {
        var services = context.RequestServices!;
        var paging = services.GetRequiredService<PagingOptions>();
        var pageArguments = context.GetPageArguments(paging);
        // Every engine call is bounded by Search:RequestTimeout, whatever the engine (TimeLimitedChargeSearch): a slow engine fails search fast.
        var search = services.GetRequiredService<IChargeSearch>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("DetainerGraph.Search");
        var ct = context.CancellationToken;
        try
        {
            var query = ChargeQuery.Parse(context.GetArgument<string>("query"));
            var filter = await ChargeSearchWhere.TranslateAsync(context.GetArgument<Dictionary<string, object?>?>("where"), context.Db(), ct);
            filter.Statuses = context.GetArgument<List<ChargeStatus>?>("chargeStatus");
            filter.Categories = context.GetArgument<List<string>?>("chargeCategory");
            // Published by default, filtered inside the engine so that totals, facets and pages are exact.
            var kinds = context.GetArgument<List<SourceKind>?>("sourceKind");
            var excludesSynthetic = kinds is null && !context.GetArgument(SyntheticRecords.IncludeSynthetic, false);
            filter.SourceKinds = excludesSynthetic ? [SourceKind.File] : kinds;

            // The same window as every list; `last` without `before` needs the total first.
            var window = await Paging.WindowAsync(pageArguments, paging, async countCt =>
                (await search.SearchAsync(new ChargeSearchRequest(query, filter, 0, 0, [], Highlight: false), countCt)).TotalCount, ct);
            var (offset, limit) = (window.Offset, window.Limit);
            // A page that starts inside the window and reaches past it ends at the window: `first: 30` after the hit at
            // position 9,989 was refused whole (SEARCH_WINDOW_TOO_LARGE), though its first ten hits are in the window and
            // reachable by no other page of that size. A page that starts past the window is still refused.
            if (!window.Backward && offset < ChargeSearchRequest.MaxResultWindow)
            {
                limit = Math.Min(limit, ChargeSearchRequest.MaxResultWindow - offset);
            }
            var result = await search.SearchAsync(new ChargeSearchRequest(query, filter, offset, limit, [], Highlight: SelectsHighlight(context)), ct);
            Func<CancellationToken, Task<int>>? countExcluded = null;
            if (excludesSynthetic)
            {
                var synthetic = filter.WithSourceKinds([SourceKind.Synthetic]);
                countExcluded = async excludedCt =>
                {
                    try
                    {
                        return (await search.SearchAsync(new ChargeSearchRequest(query, synthetic, 0, 0, [], Highlight: false), excludedCt)).TotalCount;
                    }
                    catch (Exception e) when (e is not (OperationCanceledException or ExecutionError or SearchQueryException))
                    {
                        throw Unavailable(logger, e);
                    }
                };
            }
            return new ChargeSearchPage(result, offset, async (fields, facetCt) =>
            {
                try
                {
                    return (await search.SearchAsync(new ChargeSearchRequest(query, filter, 0, 0, fields, Highlight: false), facetCt)).Facets;
                }
                catch (Exception e) when (e is not (OperationCanceledException or ExecutionError or SearchQueryException))
                {
                    throw Unavailable(logger, e);
                }
            })
            { CountSyntheticExcluded = countExcluded };
        }
        catch (SearchQueryException e)
        {
            throw new ExecutionError(e.Message) { Code = e.Code };
        }
        catch (Exception e) when (e is not (OperationCanceledException or ExecutionError))
        {
            throw Unavailable(logger, e);
        }
    }

    /// <summary>
    /// Whether the selection may read a hit's <c>highlight</c> (through <c>nodes</c> or <c>edges { node }</c>, directly or
    /// in fragments): marking the words costs the engine a re-analysis of every hit's text, so it runs only when asked
    /// for. GraphQL.NET merges repeated selections of this field into <see cref="IResolveFieldContext.FieldAst"/>;
    /// <c>@skip</c>/<c>@include</c> are not evaluated (the field counts as selected), nor is an unknown fragment.
    /// </summary>
    private static bool SelectsHighlight(IResolveFieldContext context) => SelectsOnHits(context, "highlight");

    /// <summary>Whether the selection may read any of <paramref name="fields"/> of a hit, by the rules of <see cref="SelectsHighlight"/>.</summary>
    private static bool SelectsOnHits(IResolveFieldContext context, params string[] fields)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var fragment in context.Document.Definitions.OfType<GraphQLFragmentDefinition>())
        {
            fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        }
        var set = context.FieldAst.SelectionSet;
        return fields.Any(field => Selects(set, fragments, ["nodes", field], 0) || Selects(set, fragments, ["edges", "node", field], 0));
    }

    private static bool Selects(GraphQLSelectionSet? set, Dictionary<string, GraphQLFragmentDefinition> fragments, string[] path, int step)
    {
        if (set is null)
        {
            return false;
        }
        foreach (var selection in set.Selections)
        {
            var selects = selection switch
            {
                GraphQLField field => field.Name.StringValue == path[step]
                    && (step == path.Length - 1 || Selects(field.SelectionSet, fragments, path, step + 1)),
                GraphQLInlineFragment inline => Selects(inline.SelectionSet, fragments, path, step),
                // Validation has refused fragment cycles before any resolver runs.
                GraphQLFragmentSpread spread => !fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                    || Selects(fragment.SelectionSet, fragments, path, step),
                _ => true,
            };
            if (selects)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Engine failures (<see cref="SearchUnavailableException"/> from either engine, or anything unexpected) reach
    /// clients as SEARCH_UNAVAILABLE with a plain sentence: the engine's own message stays in the log.
    /// </summary>
    private static ExecutionError Unavailable(ILogger logger, Exception e)
    {
        if (e is SearchTimeoutException timeout)
        {
            // A search stopped at its time budget: it may be the query's cost, so not an Error-level failure.
            LogSearchTimedOut(logger, timeout.Timeout.TotalSeconds);
            return new ExecutionError($"Charge search took longer than its time limit ({timeout.Timeout.TotalSeconds:0.###} s) and was stopped; other fields keep working.") { Code = "SEARCH_TIMEOUT" };
        }
        LogSearchFailed(logger, e);
        return new ExecutionError("Charge search is unavailable right now; other fields keep working.") { Code = "SEARCH_UNAVAILABLE" };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Charge search stopped at its time limit ({Seconds} s)")]
    private static partial void LogSearchTimedOut(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Charge search failed")]
    private static partial void LogSearchFailed(ILogger logger, Exception exception);
}
