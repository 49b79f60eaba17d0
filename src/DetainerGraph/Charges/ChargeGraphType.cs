using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Charges;

public sealed class ChargeGraphType : ObjectGraphType<Charge>
{
    public ChargeGraphType()
    {
        Name = "Charge";
        Description = "A criminal charge or conviction listed for a detainer.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The charge's opaque ID.").Resolve(c => GlobalId.Encode("Charge", c.Source.Id));
        Field(c => c.Description).Description("The offense exactly as published, e.g. `DRIVING UNDER INFLUENCE ALCOHOL` or `Cocaine - Sell`.");
        Field(c => c.NcicCode, nullable: true).Description("The four-digit NCIC offense code, when the description matches one (case, punctuation and abbreviations folded).");
        Field(c => c.Category, nullable: true).Description("The NCIC block of the code, e.g. \"Traffic Offense\" for 54xx; for a text that matches no NCIC literal, the block its words fall in once abbreviations are read (`CRIM TRSP 1 /DV` is \"Invade Privacy\", see data/charge_category_rules.csv); null when neither knows it.");
        Field(c => c.Status).Description("Whether this is a pending charge or a conviction.");
        Field<NonNullGraphType<ChargeAsPublishedGraphType>>("published")
            .Description("The text and status as published, before any correction (corrections are listed on the detainer).")
            .Resolve(c => c.LoadPublished(c.Source));
        Field<NonNullGraphType<DetainerGraphType>>("detainer")
            .Description("The detainer that lists this charge.")
            .Resolve(c => c.LoadDetainer(c.Source.DetainerId));
    }
}

public sealed class ChargeStatusGraphType : EnumerationGraphType<ChargeStatus>
{
    public ChargeStatusGraphType()
    {
        Name = "ChargeStatus";
        Description = "Whether an offense is a pending charge or a conviction.";
    }
}

public static class ChargesByDetainerIdLoader
{
    public static GraphQL.DataLoader.IDataLoaderResult<IReadOnlyList<Charge>?> LoadCharges(this GraphQL.IResolveFieldContext context, long detainerId) =>
        context.Batch<long, IReadOnlyList<Charge>>(nameof(ChargesByDetainerIdLoader), detainerId, async (db, ids, ct) =>
        {
            var charges = await db.Charges.Where(c => ids.Contains(c.DetainerId)).OrderBy(c => c.Ordinal).ToListAsync(ct);
            var byDetainer = charges.ToLookup(c => c.DetainerId);
            return ids.ToDictionary(id => id, id => (IReadOnlyList<Charge>)[.. byDetainer[id]]);
        });
}
