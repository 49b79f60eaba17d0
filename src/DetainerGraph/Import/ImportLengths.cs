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
        var check = new Checker(file, model);
        foreach (var d in file.Detainers)
        {
            check.Value(d.Line, d.DetainerTypeAsPublished, (Detainer x) => x.DetainerTypeAsPublished);
            check.Value(d.Line, d.OutcomeAsPublished, (Detainer x) => x.OutcomeAsPublished);
            check.Value(d.Line, d.Citizenship, (Detainer x) => x.Citizenship);
            check.Value(d.Line, d.SourceUrl, (Detainer x) => x.SourceUrl);
            check.Jurisdiction(d.Line, d.Jurisdiction);
            if (d.Facility is { } f)
            {
                check.Value(d.Line, f.Name, (Facility x) => x.Name);
                check.Value(d.Line, f.City, (Facility x) => x.City);
                check.Value(d.Line, f.State, (Facility x) => x.State);
                check.Jurisdiction(d.Line, f.Jurisdiction);
            }
            foreach (var c in d.Charges)
            {
                check.Value(d.Line, c.Description, (Charge x) => x.Description);
            }
        }
        foreach (var p in file.Policies)
        {
            check.Jurisdiction(p.Line, p.Jurisdiction);
            check.Value(p.Line, p.DateEnacted, (Policy x) => x.DateEnactedAsPublished);
            check.Value(p.Line, p.Name, (Policy x) => x.Name);
            check.Value(p.Line, p.Criteria, (Policy x) => x.CriteriaForHonoringDetainers);
        }
        foreach (var e in file.SectionOne)
        {
            check.Jurisdiction(e.Line, e.Jurisdiction);
            check.Value(e.Line, e.Notes, (SectionOneEntry x) => x.SourceNotes);
        }
        foreach (var c in file.Corrections)
        {
            check.Value(c.Line, c.Field, (Correction x) => x.Field);
            check.Value(c.Line, c.OldValue, (Correction x) => x.OldValue);
            check.Value(c.Line, c.NewValue, (Correction x) => x.NewValue);
            check.Value(c.Line, c.CorrectedOn, (Correction x) => x.CorrectedOn);
            check.Value(c.Line, c.Reason, (Correction x) => x.Reason);
            check.Value(c.Line, c.Authority, (Correction x) => x.Authority);
        }
        // The file's name is stored with its source (a path's last part; one line 0 error).
        check.Value(0, file.FileName, (Source x) => x.FileName);
    }

    private sealed class Checker(ParsedFile file, IModel model)
    {
        private readonly Dictionary<LambdaExpression, (int Max, string Column)> _columns = new(ExpressionText.Instance);

        public void Jurisdiction(int line, JurisdictionRef? jurisdiction)
        {
            if (jurisdiction is not null)
            {
                Value(line, jurisdiction.Name, (Jurisdiction x) => x.Name);
                Value(line, jurisdiction.State, (Jurisdiction x) => x.State);
                Value(line, jurisdiction.FieldOffice, (Jurisdiction x) => x.FieldOffice);
            }
        }

        public void Value<TEntity>(int line, string? value, Expression<Func<TEntity, string?>> property)
            where TEntity : class
        {
            if (value is null)
            {
                return;
            }
            if (!_columns.TryGetValue(property, out var column))
            {
                column = (model.MaxLength(property), model.ColumnName(property));
                _columns[property] = column;
            }
            if (value.Length > column.Max)
            {
                file.Errors.Add(new ImportError(file.FileName, line, column.Column, value, string.Create(CultureInfo.InvariantCulture,
                    $"at most {column.Max:N0} characters, the length of the {column.Column} column (this value has {value.Length:N0})")));
            }
        }
    }

    /// <summary>Lambdas compared by their text, so each column is looked up in the model once.</summary>
    private sealed class ExpressionText : IEqualityComparer<LambdaExpression>
    {
        public static readonly ExpressionText Instance = new();

        public bool Equals(LambdaExpression? x, LambdaExpression? y) =>
            x?.Parameters[0].Type == y?.Parameters[0].Type && x?.Body.ToString() == y?.Body.ToString();

        public int GetHashCode(LambdaExpression obj) => HashCode.Combine(obj.Parameters[0].Type, obj.Body.ToString());
    }
}
