using DetainerGraph.Corrections;
using GraphQL.Types;

namespace DetainerGraph.Api;

/// <summary>The root mutation: corrections are the API's only writes, each one authenticated and audit-logged.</summary>
public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        Description = "Corrections, the only writes. Each needs a token with the `editor` role, appends a correction that keeps the published value, and is audit-logged.";

        this.AddCorrectionMutations();
    }
}
