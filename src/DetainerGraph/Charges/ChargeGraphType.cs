using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL.DataLoader;
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
        Field(c => c.Description).Description("The offense in the source's words, e.g. `DRIVING UNDER INFLUENCE ALCOHOL`, `Cocaine - Sell` or a jail's `ASSLT CAUSES BODILY INJ`: the current text, after any correction (`published { description }` keeps the published text).");
        Field(c => c.NcicCode, nullable: true).Description("The four-digit NCIC offense code: the first four digits of the source's own eight-digit offense code (Texas jail records), or else the NCIC offense whose text the description matches (case, punctuation and abbreviations folded).");
        Field(c => c.Category, nullable: true).Description("The NCIC block of the code, e.g. \"Traffic Offense\" for 54xx; for a text that matches no NCIC literal, the block its words fall in once abbreviations are read (`CRIM TRSP 1 /DV` is \"Invade Privacy\", see data/charge_category_rules.csv); null when neither knows it.");
        Field(c => c.Status).Description("Whether this is a pending charge or a conviction: the current value (after any correction).");
        Field<NonNullGraphType<BooleanGraphType>>("isSynthetic")
            .Description("Whether the charge belongs to a generated (synthetic demo) detainer, not a published one: search leaves such charges out unless asked with `includeSynthetic: true`.")
            .Resolve(c => c.LoadDetainer(c.Source.DetainerId).Then(d => d?.IsSynthetic ?? false));
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
