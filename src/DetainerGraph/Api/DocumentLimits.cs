using GraphQL;
using GraphQL.DI;
using GraphQL.Types;
using GraphQL.Validation.Complexity;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace DetainerGraph.Api;

/// <summary>
/// Bounds on the shape of a document, checked in one linear pass before validation. GraphQL.NET's validation
/// has rules whose cost grows with the square of some counts (the same field repeated in a selection, directives
/// on one node, variables of one operation) or with the expansion of fragments that spread other fragments:
/// the fuzz suite found 40 to 170 KB documents that kept a core busy for 5 to 10 seconds before any limit
/// answered. Past a bound the document is refused with <c>DOCUMENT_TOO_LARGE</c> (or <c>DOCUMENT_TOO_DEEP</c>
/// past the parser's nesting bound) without being validated; so is a literal value no input can take
/// (<see cref="DocumentLiterals"/>). Cached documents passed already and are not checked again.
/// </summary>
public sealed class DocumentLimits : IConfigureExecution
{
    public const int MaxParserDepth = 128;
    public const int MaxDefinitions = 200;
    public const int MaxVariables = 100;
    public const int MaxDirectivesPerLocation = 10;
    public const int MaxSameResponseName = 50;
    /// <summary>Fields of an operation once every fragment spread is replaced by its fragment.</summary>
    public const int MaxExpandedFields = 10_000;
    public const string TooLargeCode = "DOCUMENT_TOO_LARGE";
    public const string TooDeepCode = "DOCUMENT_TOO_DEEP";
    public const string UnsupportedOperationCode = "OPERATION_NOT_SUPPORTED";

    // Inside the document cache (200), so a cached document skips this; before execution parses the text.
    public float SortOrder => 250;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Document is not null || options.Query is null)
        {
            return await next(options);
        }
        GraphQLDocument document;
        try
        {
            document = Parser.Parse(options.Query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = MaxParserDepth });
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return Refuse(TooDeepCode, $"The document nests deeper than {MaxParserDepth} levels.");
        }
        catch (GraphQLParserException)
        {
            // Not a well-formed document: the executer reports the syntax error with its location, as usual.
            return await next(options);
        }
        if (Check(document) is { } problem)
        {
            return Refuse(TooLargeCode, problem);
        }
        if (await DocumentLiterals.ProblemAsync(document) is { } literal)
        {
            return Refuse(literal.Code, literal.Message);
        }
        // GraphQL.NET's complexity analyzer throws on an operation type the schema lacks, instead of reporting it.
        if (options.Schema is { } schema && document.Definitions.OfType<GraphQLOperationDefinition>().FirstOrDefault(o =>
            (o.Operation == OperationType.Mutation && schema.Mutation is null) || (o.Operation == OperationType.Subscription && schema.Subscription is null)) is { } unsupported)
        {
            return Refuse(UnsupportedOperationCode, $"This server has no {unsupported.Operation.ToString().ToLowerInvariant()} operations.");
        }
        // Parsed once: execution uses this document, and the cache keeps it.
        options.Document = document;
        return await next(options);
    }

    /// <summary>The first bound the document exceeds, or null.</summary>
    public static string? Check(GraphQLDocument document)
    {
        if (document.Definitions.Count > MaxDefinitions)
        {
            return $"A document holds at most {MaxDefinitions} operations and fragments; this one holds {document.Definitions.Count}.";
        }
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>())
        {
            fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        }
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLOperationDefinition { Variables.Count: > MaxVariables } many)
            {
                return $"An operation declares at most {MaxVariables} variables; this one declares {many.Variables!.Count}.";
            }
            if (definition is IHasDirectivesNode { Directives.Count: > MaxDirectivesPerLocation })
            {
                return TooManyDirectives();
            }
            if (definition is IHasSelectionSetNode { SelectionSet: { } set } && CheckSelections(set) is { } problem)
            {
                return problem;
            }
        }
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
        {
            if (ExpandedSize(operation.SelectionSet, fragments, sizes, []) > MaxExpandedFields)
            {
                return $"An operation selects at most {MaxExpandedFields:N0} fields once its fragments are spread out.";
            }
        }
        return null;
    }

    private static string TooManyDirectives() => $"At most {MaxDirectivesPerLocation} directives may stand on one field, fragment or operation.";

    private static string? CheckSelections(GraphQLSelectionSet set)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var selection in set.Selections)
        {
            if (selection is IHasDirectivesNode { Directives.Count: > MaxDirectivesPerLocation })
            {
                return TooManyDirectives();
            }
            if (selection is GraphQLField field)
            {
                var key = (field.Alias?.Name ?? field.Name).StringValue;
                if ((names[key] = names.GetValueOrDefault(key) + 1) > MaxSameResponseName)
                {
                    return $"A selection names the same field ('{key}') at most {MaxSameResponseName} times.";
                }
            }
            if (selection is IHasSelectionSetNode { SelectionSet: { } inner } && CheckSelections(inner) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    /// <summary>Fields under <paramref name="set"/> with fragments spread out; each fragment is measured once. Cycles count nothing (validation refuses them).</summary>
    private static long ExpandedSize(GraphQLSelectionSet set, Dictionary<string, GraphQLFragmentDefinition> fragments, Dictionary<string, long> sizes, HashSet<string> visiting)
    {
        long total = 0;
        foreach (var selection in set.Selections)
        {
            total += selection switch
            {
                GraphQLField field => 1 + (field.SelectionSet is { } inner ? ExpandedSize(inner, fragments, sizes, visiting) : 0),
                GraphQLInlineFragment inline => ExpandedSize(inline.SelectionSet, fragments, sizes, visiting),
                GraphQLFragmentSpread spread => FragmentSize(spread.FragmentName.Name.StringValue, fragments, sizes, visiting),
                _ => 0,
            };
            // Saturate: the count only needs to pass the bound, and a bomb would overflow a long.
            total = Math.Min(total, MaxExpandedFields + 1L);
        }
        return total;
    }

    private static long FragmentSize(string name, Dictionary<string, GraphQLFragmentDefinition> fragments, Dictionary<string, long> sizes, HashSet<string> visiting)
    {
        if (sizes.TryGetValue(name, out var known))
        {
            return known;
        }
        if (!fragments.TryGetValue(name, out var fragment) || !visiting.Add(name))
        {
            return 0;
        }
        var size = ExpandedSize(fragment.SelectionSet, fragments, sizes, visiting);
        visiting.Remove(name);
        sizes[name] = size;
        return size;
    }

    /// <summary>What a root field adds to the complexity: each one runs at least one SQL statement or search.</summary>
    public const double RootFieldImpact = 25;

    /// <summary>
    /// Root fields that cost more than a lookup: a search runs the engine's query and counts (a thousand aliased
    /// searches, 63 KB, ran past a 5 s timeout), and statistics group every detainer.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> CostlyRootFields = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["searchCharges"] = 250,
        ["detainerStats"] = 100,
    };

    /// <summary>
    /// The analyzer's field weights, plus <see cref="RootFieldImpact"/> for every root field. Without it a
    /// field's weight is its nesting only, so five thousand aliased <c>weeks { totalCount }</c> (140 KB) measured
    /// 10,000, under the limit, and ran five thousand SQL counts.
    /// </summary>
    public static Func<FieldImpactContext, FieldComplexityResult> WithRootFieldImpact(Func<FieldImpactContext, FieldComplexityResult> weigh) => context =>
    {
        var result = weigh(context);
        return context.ParentType is IObjectGraphType { Name: "Query" or "Mutation" } && !context.FieldAst.Name.StringValue.StartsWith("__", StringComparison.Ordinal)
            ? new FieldComplexityResult(result.FieldImpact + CostlyRootFields.GetValueOrDefault(context.FieldAst.Name.StringValue, RootFieldImpact), result.ChildImpactMultiplier)
            : result;
    };

    private static ExecutionResult Refuse(string code, string message) => new() { Errors = [new ExecutionError(message) { Code = code }] };
}
