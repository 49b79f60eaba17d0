namespace DetainerGraph.Tests.Infrastructure;

/// <summary>Real rows from the shipped data files (and their published shapes), as import fixtures.</summary>
public static class SampleRows
{
    // pa_detainers_2007_2015.csv: the header and real rows, including an open one and a typed one.
    public const string Foia = """
        date,lift_reason,det_facility,city,state,detainer_type
        2007-10-02 00:00:00,Case Closed,"MONTGOMERY CNTY JAIL, PA",NORRISTOWN,PENNSYLVANIA,
        2007-10-02 00:00:00,Booked into Detention,LEWISBURG U.S. PEN.,LEWISBURG,PENNSYLVANIA,
        2007-10-02 00:00:00,,SCI GRATERFORD,GRATERFORD,PENNSYLVANIA,
        2013-05-14 00:00:00,Detainer Declined by LEA,"CHESTER CNTY JAIL, PA",WEST CHESTER,PENNSYLVANIA,I247 - Immigration Detainer - Notice of Action (as of March 2013)
        2014-11-03 00:00:00,Lifted,MOSHANNON VALLEY CORRECTIONAL,PHILIPSBURG,PENNSYLVANIA,I247D - Immigration Detainer - Request for Action

        """;

    // DDOR Section II, in the report's columns: Travis County rows of the first report week.
    public const string SectionTwo = """
        state,county,facility,citizenship,notable_criminal_activity,charge_or_conviction,detainer_issued_date,detainer_declined_date,report_week
        TX,Travis County,Travis County Jail,Mexico,DRIVING UNDER INFLUENCE ALCOHOL,Charge,1/29/2017,2/1/2017,2017-01-28..2017-02-03
        TX,Travis County,Travis County Jail,Honduras,"Aggravated Assault - Weapon",Conviction,2017-01-30,2017-02-02,
        TX,Travis County,Travis County Jail,Guatemala,CRUELTY TOWARD WIFE,Charge,,,2017-01-28

        """;

    // ddor_2017w05_section1_top10.csv, first three rows and the four ICE corrected.
    public const string SectionOne = """
        report_week,rank,state,county,detainers_issued_in_week,source_notes
        2017-01-28..2017-02-03,1,NV,Clark County,51,usatoday 2017/03/25; reviewjournal
        2017-01-28..2017-02-03,2,NY,Nassau County,38,usatoday; heraldnet (later said erroneous)
        2017-01-28..2017-02-03,4,IA,Montgomery County,12,usatoday; desmoinesregister (corrected: attributed in error)
        2017-01-28..2017-02-03,6,NY,Franklin County,,numbersusa/CNN order; count not found (corrected: attributed in error)

        """;

    public const string Corrections = """
        report_week,section,rank,state,county,field,old_value,new_value,corrected_on,reason,authority
        2017-01-28..2017-02-03,I,4,IA,Montgomery County,jurisdiction,"Montgomery County, IA",,2017-04,Attributed in error,U.S. Immigration and Customs Enforcement

        """;

    // ddor_2017w05_section3_policies.csv, first three rows.
    public const string SectionThree = """
        jurisdiction_(AOR),date_enacted,policy,criteria_for_honoring_detainer
        "Ithaca, New York (Buffalo)",February 2017,Municipal Code Change,"Will only honor ""warrantless detainer requests from the federal government under limited, specified circumstances"" such as violent or serious crimes or terrorist activities"
        "Travis County, Texas (San Antonio)",January 2017,Travis County Sheriff's Office Policy on Cooperation with U.S. Immigration and Customs Enforcement,"Willing to accept requests accompanied by a court order"
        "Iowa City, Johnson County, Iowa (Saint Paul)",January 2017,Resolution Reaffirming the Public Safety Function of Local Law Enforcement,"Willing to only accept some requests for notifications, I-247N form."

        """;

    public const string Reports = """
        report_number,week_start,week_end,published_on,detainers_issued_nationwide,source_notes
        1,2017-01-28,2017-02-03,2017-03-20,3083,first
        2,2017-02-04,2017-02-10,2017-03-27,2825,second

        """;

    /// <summary>Detainers in the `detainers` format as a user's own published file would hold them (no generator seed).</summary>
    public const string Detainers = """
        detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status
        a,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Driving Under Influence Liquor,Conviction
        a,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Cocaine - Sell,Charge
        b,WA,Snohomish County,,,Guatemala,I-247A,2017-04-05,,,,Assault,Charge

        """;

    /// <summary>The same rows as the generator writes them: with a seed, so they are synthetic.</summary>
    public const string SyntheticDetainers = """
        detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status,synthetic_seed
        a,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Driving Under Influence Liquor,Conviction,7
        a,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Cocaine - Sell,Charge,7
        b,WA,Snohomish County,,,Guatemala,I-247A,2017-04-05,,,,Assault,Charge,7

        """;
}
