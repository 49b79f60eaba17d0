using DetainerGraph.Api;
using DetainerGraph.Search;
using GraphQL;
using GraphQL.Types;

namespace DetainerGraph.Charges;

public static partial class ChargeSearchQueries
{
    public static void AddChargeSearchQueries(this ObjectGraphType query)
    {
        query.Field<ChargeSearchConnectionGraphType>("searchCharges")
            .Description("Full-text search over charge descriptions, NCIC codes and categories, best matches first. " +
                "Words are ANDed and matched with their stems, synonyms and abbreviations (DUI, agg, poss…) and with typos tolerated; " +
                "\"quoted phrases\" match exactly; a trailing * matches a prefix. An empty query matches every charge. Null, with an error coded in `extensions.code`, when the query is refused or search is unavailable: other fields still answer.")
            .Argument<NonNullGraphType<StringGraphType>>("query", $"The search text, at most {ChargeQuery.MaxLength} characters. It is read as words, phrases and prefixes only: no engine syntax.")
            .Argument<ChargeSearchFilterInputGraphType>("where", "Conditions on the charge and its detainer, applied inside the engine.")
            .Argument<IntGraphType>("first", "Return the first this many hits (of those after `after`). The default page size applies when not given; more than the maximum page size is an error.")
            .Argument<StringGraphType>("after", "Return hits after this cursor (a previous page's `pageInfo.endCursor`).")
            .ResolveAsync(async c => await SearchAsync(c));
    }

    private static async Task<ChargeSearchPage> SearchAsync(IResolveFieldContext context)
    {
        var services = context.RequestServices!;
        var paging = services.GetRequiredService<PagingOptions>();
        var first = context.GetPageSizeArgument("first", paging.MaxPageSize) ?? paging.DefaultPageSize;
        var offset = context.GetArgument<string?>("after") is { } after ? Paging.DecodeCursor(after) + 1 : 0;
        var filter = context.GetArgument<ChargeSearchFilter?>("where") ?? new ChargeSearchFilter();
        var search = services.GetRequiredService<IChargeSearch>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("DetainerGraph.Search");
        try
        {
            var query = ChargeQuery.Parse(context.GetArgument<string>("query"));
            var result = await search.SearchAsync(new ChargeSearchRequest(query, filter, offset, first, []), context.CancellationToken);
            return new ChargeSearchPage(result, offset, async (fields, ct) =>
            {
                try
                {
                    return (await search.SearchAsync(new ChargeSearchRequest(query, filter, 0, 0, fields, Highlight: false), ct)).Facets;
                }
                catch (Exception e) when (e is not (OperationCanceledException or ExecutionError or SearchQueryException))
                {
                    throw Unavailable(logger, e);
                }
            });
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

    /// <summary>The engine's own message stays in the log: clients get a code and a plain sentence.</summary>
    private static ExecutionError Unavailable(ILogger logger, Exception e)
    {
        LogSearchFailed(logger, e);
        return new ExecutionError("Charge search is unavailable right now; other fields keep working.") { Code = "SEARCH_UNAVAILABLE" };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Charge search failed")]
    private static partial void LogSearchFailed(ILogger logger, Exception exception);
}
