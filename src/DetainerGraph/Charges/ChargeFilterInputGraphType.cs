using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;

namespace DetainerGraph.Charges;

public sealed class ChargeFilterInputGraphType : FilterInputGraphType<Charge, ChargeFilterInputGraphType>
{
    public ChargeFilterInputGraphType()
        : base("ChargeFilterInput", "Conditions on charges.")
    {
        Id("Charge", c => c.Id);
        String("description", c => c.Description, "The offense as published.");
        String("ncicCode", c => c.NcicCode, "The four-digit NCIC code.");
        String("category", c => c.Category, "The NCIC block name, e.g. \"Traffic Offense\".");
        Enum<ChargeStatusGraphType, ChargeStatus>("status", c => c.Status, "Pending charge or conviction.");
    }
}
