using System.Globalization;
using System.Linq.Expressions;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore.Metadata;

namespace DetainerGraph.Import;

/// <summary>
/// Refuses, line by line, any text a parsed file would store in a column too short for it (lengths from the EF
/// model: see <see cref="ColumnLengths"/>). SQL Server would refuse such a row at write time and SQLite would store
/// it, so without this check a file that imports into the embedded store could fail in production. Checked on
/// the parsed rows, so every format is covered.
/// </summary>
internal static class ImportLengths
{
    public static void Check(ParsedFile file, IModel model)
    {
        var c = new Columns(model);
        foreach (var d in file.Detainers)
        {
            Value(file, d.Line, d.DetainerTypeAsPublished, c.DetainerTypeAsPublished);
            Value(file, d.Line, d.OutcomeAsPublished, c.OutcomeAsPublished);
            Value(file, d.Line, d.Citizenship, c.Citizenship);
            Value(file, d.Line, d.SourceUrl, c.SourceUrl);
            Jurisdiction(file, d.Line, d.Jurisdiction, c);
            if (d.Facility is { } f)
            {
                Value(file, d.Line, f.Name, c.FacilityName);
                Value(file, d.Line, f.City, c.FacilityCity);
                Value(file, d.Line, f.State, c.FacilityState);
                Jurisdiction(file, d.Line, f.Jurisdiction, c);
            }
            foreach (var charge in d.Charges)
            {
                Value(file, d.Line, charge.Description, c.ChargeDescription);
            }
        }
        foreach (var p in file.Policies)
        {
            Jurisdiction(file, p.Line, p.Jurisdiction, c);
            Value(file, p.Line, p.DateEnacted, c.PolicyDateEnacted);
            Value(file, p.Line, p.Name, c.PolicyName);
            Value(file, p.Line, p.Criteria, c.PolicyCriteria);
        }
        foreach (var e in file.SectionOne)
        {
            Jurisdiction(file, e.Line, e.Jurisdiction, c);
            Value(file, e.Line, e.Notes, c.SectionOneNotes);
        }
        foreach (var r in file.Corrections)
        {
            Value(file, r.Line, r.Field, c.CorrectionField);
            Value(file, r.Line, r.OldValue, c.CorrectionOldValue);
            Value(file, r.Line, r.NewValue, c.CorrectionNewValue);
            Value(file, r.Line, r.CorrectedOn, c.CorrectionCorrectedOn);
            Value(file, r.Line, r.Reason, c.CorrectionReason);
            Value(file, r.Line, r.Authority, c.CorrectionAuthority);
        }
        // The file's name is stored with its source (one error, on line 0).
        Value(file, 0, file.FileName, c.SourceFileName);
    }

    private static void Jurisdiction(ParsedFile file, int line, JurisdictionRef? jurisdiction, Columns c)
    {
        if (jurisdiction is not null)
        {
            Value(file, line, jurisdiction.Name, c.JurisdictionName);
            Value(file, line, jurisdiction.State, c.JurisdictionState);
            Value(file, line, jurisdiction.FieldOffice, c.JurisdictionFieldOffice);
        }
    }

    private static void Value(ParsedFile file, int line, string? value, Column column)
    {
        if (value is not null && value.Length > column.Max)
        {
            file.Errors.Add(new ImportError(file.FileName, line, column.Name, value, string.Create(CultureInfo.InvariantCulture,
                $"at most {column.Max:N0} characters, the length of the {column.Name} column (this value has {value.Length:N0})")));
        }
    }

    private sealed record Column(int Max, string Name);

    /// <summary>Each checked column's maximum length and name, read from the model once per file.</summary>
    private sealed class Columns(IModel model)
    {
        public Column DetainerTypeAsPublished { get; } = Of(model, (Detainer x) => x.DetainerTypeAsPublished);
        public Column OutcomeAsPublished { get; } = Of(model, (Detainer x) => x.OutcomeAsPublished);
        public Column Citizenship { get; } = Of(model, (Detainer x) => x.Citizenship);
        public Column SourceUrl { get; } = Of(model, (Detainer x) => x.SourceUrl);
        public Column FacilityName { get; } = Of(model, (Facility x) => x.Name);
        public Column FacilityCity { get; } = Of(model, (Facility x) => x.City);
        public Column FacilityState { get; } = Of(model, (Facility x) => x.State);
        public Column ChargeDescription { get; } = Of(model, (Charge x) => x.Description);
        public Column JurisdictionName { get; } = Of(model, (Jurisdiction x) => x.Name);
        public Column JurisdictionState { get; } = Of(model, (Jurisdiction x) => x.State);
        public Column JurisdictionFieldOffice { get; } = Of(model, (Jurisdiction x) => x.FieldOffice);
        public Column PolicyDateEnacted { get; } = Of(model, (Policy x) => x.DateEnactedAsPublished);
        public Column PolicyName { get; } = Of(model, (Policy x) => x.Name);
        public Column PolicyCriteria { get; } = Of(model, (Policy x) => x.CriteriaForHonoringDetainers);
        public Column SectionOneNotes { get; } = Of(model, (SectionOneEntry x) => x.SourceNotes);
        public Column CorrectionField { get; } = Of(model, (Correction x) => x.Field);
        public Column CorrectionOldValue { get; } = Of(model, (Correction x) => x.OldValue);
        public Column CorrectionNewValue { get; } = Of(model, (Correction x) => x.NewValue);
        public Column CorrectionCorrectedOn { get; } = Of(model, (Correction x) => x.CorrectedOn);
        public Column CorrectionReason { get; } = Of(model, (Correction x) => x.Reason);
        public Column CorrectionAuthority { get; } = Of(model, (Correction x) => x.Authority);
        public Column SourceFileName { get; } = Of(model, (Source x) => x.FileName);

        private static Column Of<TEntity>(IModel model, Expression<Func<TEntity, string?>> property)
            where TEntity : class => new(model.MaxLength(property), model.ColumnName(property));
    }
}
