using System.Collections;
using System.Collections.Concurrent;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQL.Validation.Rules.Custom;
using GraphQLParser.AST;

namespace DetainerGraph.Api;

/// <summary>
/// The validation rules of a request whose document <see cref="DocumentCache"/> already validated: the rules that still
/// have work for it (<see cref="Rules"/>: those registered for cached documents, less any that cannot report anything,
/// such as <see cref="IntrospectionSwitch"/> while introspection is on) and the complexity analyzer, which prices every
/// request with its own arguments. Enumerated, it is every one of those rules, so a validator that does not know this
/// type validates exactly as it would a plain list.
/// </summary>
public sealed class CachedDocumentRules(IReadOnlyList<IValidationRule> rules, ComplexityValidationRule? complexity, DocumentCache.Entry entry)
    : IEnumerable<IValidationRule>
{
    public IReadOnlyList<IValidationRule> Rules { get; } = rules;

    public ComplexityValidationRule? Complexity { get; } = complexity;

    public DocumentCache.Entry Entry { get; } = entry;

    public IEnumerator<IValidationRule> GetEnumerator()
    {
        foreach (var rule in Rules)
        {
            yield return rule;
        }
        if (Complexity is { } analyzer)
        {
            yield return analyzer;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// GraphQL.NET's validator, with a shorter path for a cached document (<see cref="CachedDocumentRules"/>):
/// <list type="bullet">
/// <item>Its remaining rules run as usual; when none remains, the validator's walk over the document (which then only
/// tracked types for no rule) is skipped. Variables are still coerced and arguments parsed, as for any document.</item>
/// <item>An operation that declares no variables has arguments that are literals of the document: their parsed values
/// are the same on every request, so they are parsed once per cached document and operation and shared (execution
/// only reads them, as it reads a field's default arguments).</item>
/// <item>The complexity analyzer then runs on every request, as before: it measures the operation with the request's
/// arguments and charges the client (<see cref="RequestCost"/>), and refuses it over the limits.</item>
/// </list>
/// Anything else is validated by GraphQL.NET's validator as it is.
/// </summary>
public sealed class CachedDocumentValidator : IDocumentValidator
{
    private readonly DocumentValidator _validator = new();

    public Task<IValidationResult> ValidateAsync(in ValidationOptions options) =>
        options.Rules is CachedDocumentRules cached ? ValidateCachedAsync(options, cached) : _validator.ValidateAsync(options);

    private async Task<IValidationResult> ValidateCachedAsync(ValidationOptions options, CachedDocumentRules cached)
    {
        var literal = cached.Rules.Count == 0 && options.Operation.Variables is not { Count: > 0 };
        IValidationResult result;
        if (!literal || !cached.Entry.Arguments.TryGetValue(options.Operation, out var known))
        {
            result = await _validator.ValidateAsync(options with { Rules = cached.Rules }).ConfigureAwait(false);
            if (!result.IsValid)
            {
                return result;
            }
            if (literal)
            {
                cached.Entry.Arguments.TryAdd(options.Operation, result);
            }
        }
        else
        {
            result = known;
        }
        if (cached.Complexity is not { } complexity)
        {
            return literal ? Copy(result, []) : result;
        }

        var context = new ValidationContext
        {
            Schema = options.Schema,
            Document = options.Document,
            Operation = options.Operation,
            UserContext = options.UserContext,
            Metrics = options.Metrics,
            Variables = options.Variables,
            Extensions = options.Extensions,
            RequestServices = options.RequestServices,
            User = options.User,
            CancellationToken = options.CancellationToken,
            ArgumentValues = result.ArgumentValues as Dictionary<GraphQLField, IDictionary<string, ArgumentValue>>
                ?? result.ArgumentValues?.ToDictionary(),
            DirectiveValues = result.DirectiveValues as Dictionary<ASTNode, IDictionary<string, DirectiveInfo>>
                ?? result.DirectiveValues?.ToDictionary(),
        };
        // Measures, reports an operation over the limits, and records and charges its cost (GraphQLServiceExtensions).
        await complexity.GetPostNodeVisitorAsync(context).ConfigureAwait(false);
        return context.HasErrors || literal ? Copy(result, context.Errors) : result;
    }

    /// <summary>A result of its own for this request, over the shared parsed values, with this request's errors.</summary>
    private static ValidationResult Copy(IValidationResult result, IEnumerable<ValidationError> errors) => new(errors)
    {
        Variables = result.Variables,
        ArgumentValues = result.ArgumentValues,
        DirectiveValues = result.DirectiveValues,
    };
}
