using GraphQL.Types;

namespace DetainerGraph.Api;

/// <summary>A calendar date in ISO 8601 form, YYYY-MM-DD.</summary>
public sealed class IsoDateGraphType : DateOnlyGraphType
{
    public IsoDateGraphType()
    {
        Name = "Date";
        Description = "A calendar date in ISO 8601 form, YYYY-MM-DD.";
    }
}
