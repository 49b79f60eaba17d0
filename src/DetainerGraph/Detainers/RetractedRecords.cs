using DetainerGraph.Data;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace DetainerGraph.Detainers;

/// <summary>
/// Retracted records (detainers and Section I entries an editor said should never have been listed) stay in the
/// store, marked <c>retracted</c>, but every list leaves them out unless its <c>includeRetracted</c> argument asks for them.
/// </summary>
public static class RetractedRecords
{
    public const string IncludeRetracted = "includeRetracted";

    /// <summary>Adds <c>includeRetracted: Boolean = false</c> to a list field.</summary>
    public static FieldBuilder<TSource, TReturn> WithIncludeRetracted<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string what) =>
        field.Argument<BooleanGraphType>(IncludeRetracted, $"Whether to list retracted {what} too (for auditors); by default they are left out.", a => a.DefaultValue = false);

    /// <summary>Leaves out retracted detainers unless the field's <c>includeRetracted</c> asks for them.</summary>
    public static IQueryable<Detainer> ExceptRetractedUnlessAsked(this IQueryable<Detainer> detainers, IResolveFieldContext context) =>
        context.GetArgument(IncludeRetracted, false) ? detainers : detainers.Where(d => !d.Retracted);

    /// <summary>Leaves out retracted Section I entries unless the field's <c>includeRetracted</c> asks for them.</summary>
    public static IQueryable<SectionOneEntry> ExceptRetractedUnlessAsked(this IQueryable<SectionOneEntry> entries, IResolveFieldContext context) =>
        context.GetArgument(IncludeRetracted, false) ? entries : entries.Where(e => !e.Retracted);
}
