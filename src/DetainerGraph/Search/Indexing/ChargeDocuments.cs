using DetainerGraph.Data;
using DetainerGraph.Search.Analysis;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Search;

/// <summary>
/// The one place a charge becomes a search document, for both write paths (read back from the database, or made
/// from the rows an import has just written) and for both engines (the texts they index besides the fields).
/// </summary>
public static class ChargeDocuments
{
    /// <summary>
    /// The search documents of the database, read in one query with their detainer and jurisdiction. The
    /// charges of retracted detainers are not searchable, so they have none.
    /// </summary>
    public static IQueryable<ChargeDocument> Of(IQueryable<Charge> charges) =>
        charges.AsNoTracking().Where(c => !c.Detainer.Retracted).Select(c => new ChargeDocument(
            c.Id,
            c.DetainerId,
            c.Description,
            c.NcicCode,
            c.Category,
            c.Status,
            // The jurisdiction's state, as `where: { jurisdiction: { state } }` means it: a STATE facet value filters to its count.
            c.Detainer.Jurisdiction != null ? c.Detainer.Jurisdiction.State : null,
            c.Detainer.JurisdictionId,
            c.Detainer.Jurisdiction != null ? c.Detainer.Jurisdiction.Name : null,
            c.Detainer.WeekStart,
            c.Detainer.Outcome,
            c.Detainer.DetainerType,
            c.Detainer.Citizenship,
            c.Detainer.IssuedOn,
            c.Detainer.IsSynthetic));

    /// <summary>
    /// The document of a charge an import has just written, equal to what <see cref="Of"/> reads back after the
    /// commit: <paramref name="jurisdiction"/> is the stored state and name of the detainer's jurisdiction (the
    /// file may spell them otherwise), null when it has none.
    /// </summary>
    public static ChargeDocument OfWritten(Detainer detainer, Charge charge, (string State, string Name)? jurisdiction) =>
        new(charge.Id, detainer.Id, charge.Description, charge.NcicCode, charge.Category, charge.Status,
            jurisdiction?.State, detainer.JurisdictionId, jurisdiction?.Name, detainer.WeekStart, detainer.Outcome, detainer.DetainerType,
            detainer.Citizenship, detainer.IssuedOn, detainer.IsSynthetic);

    /// <summary>The NCIC code and category as one text the engines search beside the description; null when the charge has neither.</summary>
    public static string? Codes(ChargeDocument d) =>
        (d.NcicCode is null ? d.Category : d.Category is null ? d.NcicCode : string.Concat(d.NcicCode, " ", d.Category)) is { Length: > 0 } codes
            ? codes
            : null;

    /// <summary>
    /// What <paramref name="reader"/> reads the description as (abbreviations, run-together words, concepts), indexed
    /// by both engines in the <c>expanded</c> field and weighted below the text; null when it adds nothing, or
    /// without a reader.
    /// </summary>
    public static string? Expanded(ChargeDocument d, ChargeReader? reader) =>
        reader?.Read(d.Description, d.Category).IndexText is { Length: > 0 } expanded ? expanded : null;
}
