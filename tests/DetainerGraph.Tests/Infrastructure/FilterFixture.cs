namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// A small fixed dataset for filter, sort and paging tests, in the detainers import format: every value is
/// chosen so each test can name its expected rows by key.
/// </summary>
public static class FilterFixture
{
    public const string Detainers = """
        detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status
        d1,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Driving Under Influence Liquor,Conviction
        d1,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Cocaine - Sell,Charge
        d2,TX,Travis County,Travis County Jail,Austin,Honduras,I-247D,2017-01-25,Booked into Detention,2017-02-01,,Assault,Charge
        d3,TX,Harris County,Harris County Jail,Houston,Mexico,I-247N,2016-12-01,Detainer Declined by LEA,2017-02-06,,AGGRAV ASSLT - WEAPON,Conviction
        d4,NV,Clark County,Clark County Detention Center,Las Vegas,,I-247D,2017-01-02,,,,Burglary,Charge
        d5,WA,Snohomish County,,,Guatemala,I-247X,2017-02-08,Lifted,2017-02-09,,Traffic Offense,Conviction
        d5,WA,Snohomish County,,,Guatemala,I-247X,2017-02-08,Lifted,2017-02-09,,Domestic Violence,Conviction
        d6,IL,Cook County,Cook County Jail,Chicago,Poland,I-247A,2017-04-10,Transferred,2017-04-20,,CRUELTY TOWARD WIFE,Charge

        """;
}
