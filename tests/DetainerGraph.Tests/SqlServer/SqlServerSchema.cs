using System.Data;
using System.Globalization;
using System.Text;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>A column as the committed migration script leaves it: its store type (e.g. <c>nvarchar(400)</c>), collation and nullability.</summary>
public sealed record ScriptColumn(string Table, string Name, string StoreType, string? Collation, bool IsNullable);

/// <summary>
/// The SQL Server schema that <c>docker/sqlserver-migrations.sql</c> builds, read with Microsoft's own T-SQL parser
/// (ScriptDom, SQL Server 2022 grammar) and replayed: each <c>CREATE TABLE</c>, then each <c>ALTER TABLE</c> that adds,
/// alters or drops a column, in script order, including statements EF Core wraps in <c>EXEC(N'...')</c>. The final
/// tables and indexes are loaded into a DacFx <see cref="TSqlModel"/>, which resolves every name a statement uses:
/// <see cref="Check"/> wraps statements in stored procedures (their parameters declared as the procedure's) and
/// returns what DacFx reports, an unknown table or column as error SQL71501.
/// </summary>
public sealed class SqlServerSchema
{
    private static readonly Lazy<SqlServerSchema> Committed = new(() =>
        new SqlServerSchema(File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docker", "sqlserver-migrations.sql"))));

    public static SqlServerSchema FromCommittedScript => Committed.Value;

    private readonly Dictionary<string, List<ScriptColumn>> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _indexes = [];

    public SqlServerSchema(string script)
    {
        var fragment = Parse(script, out var errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The migration script does not parse: " + string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")));
        }
        fragment.Accept(new Replay(this));
    }

    public IReadOnlyDictionary<string, List<ScriptColumn>> Tables => _tables;

    public ScriptColumn? Column(string table, string column) =>
        _tables.GetValueOrDefault(table)?.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses T-SQL as SQL Server 2022 does (quoted identifiers on).</summary>
    public static TSqlFragment Parse(string sql, out IList<ParseError> errors) =>
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out errors);

    /// <summary>The DDL of the schema as replayed: one CREATE TABLE per table, then its indexes.</summary>
    public IEnumerable<string> Ddl()
    {
        foreach (var (table, columns) in _tables)
        {
            yield return $"CREATE TABLE [dbo].[{table}] (\n    " + string.Join(",\n    ", columns.Select(c =>
                $"[{c.Name}] {c.StoreType}{(c.Collation is null ? "" : " COLLATE " + c.Collation)} {(c.IsNullable ? "NULL" : "NOT NULL")}")) + "\n);";
        }
        foreach (var index in _indexes)
        {
            yield return index;
        }
    }

    /// <summary>
    /// Resolves every name each statement uses against the schema: each becomes the body of a stored procedure in
    /// one DacFx model with the schema's tables; returns DacFx's errors, keyed by the statement's position.
    /// </summary>
    public IReadOnlyList<(int Statement, string Error)> Check(IReadOnlyList<CapturedStatement> statements)
    {
        using var model = new TSqlModel(SqlServerVersion.Sql160, new TSqlModelOptions());
        var ddl = 0;
        foreach (var statement in Ddl())
        {
            model.AddOrUpdateObjects(statement, $"schema{ddl++}.sql", new TSqlObjectOptions());
        }
        for (var i = 0; i < statements.Count; i++)
        {
            model.AddOrUpdateObjects(Procedure(i, statements[i]), $"statement{i}.sql", new TSqlObjectOptions());
        }
        var errors = new List<(int, string)>();
        foreach (var error in model.Validate().Where(e => e.MessageType == Microsoft.SqlServer.Dac.DacMessageType.Error))
        {
            // DacFx names the procedure in its message: "Procedure: [dbo].[Statement12] has an unresolved reference ...".
            var match = System.Text.RegularExpressions.Regex.Match(error.Message, @"\[Statement(\d+)\]");
            var index = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
            errors.Add((index, $"{error.Prefix}{error.Number}: {error.Message}"));
        }
        return errors;
    }

    private static string Procedure(int index, CapturedStatement statement)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"CREATE PROCEDURE [dbo].[Statement{index}]");
        text.Append(string.Join(",", statement.Parameters.Select(p => $"\n    {p.Name} {p.StoreType}")));
        return text.Append("\nAS\nBEGIN\n").Append(statement.Text).Append("\nEND").ToString();
    }

    private static string Script(TSqlFragment fragment)
    {
        new Sql160ScriptGenerator(new SqlScriptGeneratorOptions { IncludeSemicolons = false }).GenerateScript(fragment, out var text);
        return text;
    }

    private static bool IsNullable(IEnumerable<ConstraintDefinition> constraints) =>
        constraints.OfType<NullableConstraintDefinition>().FirstOrDefault() is not { Nullable: false };

    private sealed class Replay(SqlServerSchema schema) : TSqlFragmentVisitor
    {
        public override void Visit(CreateTableStatement node) =>
            schema._tables[node.SchemaObjectName.BaseIdentifier.Value] =
            [
                .. node.Definition.ColumnDefinitions.Select(c => Column(node.SchemaObjectName.BaseIdentifier.Value, c)),
            ];

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            var table = node.SchemaObjectName.BaseIdentifier.Value;
            foreach (var column in node.Definition.ColumnDefinitions)
            {
                schema._tables[table].Add(Column(table, column));
            }
        }

        public override void Visit(AlterTableAlterColumnStatement node)
        {
            var table = schema._tables[node.SchemaObjectName.BaseIdentifier.Value];
            var index = table.FindIndex(c => c.Name == node.ColumnIdentifier.Value);
            if (node.DataType is null)
            {
                return;
            }
            table[index] = table[index] with
            {
                StoreType = Script(node.DataType),
                Collation = node.Collation?.Value,
                IsNullable = node.AlterTableAlterColumnOption != AlterTableAlterColumnOption.NotNull,
            };
        }

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
            {
                schema._tables[node.SchemaObjectName.BaseIdentifier.Value].RemoveAll(c => c.Name == element.Name.Value);
            }
        }

        public override void Visit(CreateIndexStatement node) => schema._indexes.Add(Script(node));

        public override void Visit(DropIndexStatement node)
        {
            foreach (var clause in node.DropIndexClauses.OfType<DropIndexClause>())
            {
                schema._indexes.RemoveAll(i => i.Contains($"[{clause.Index.Value}]", StringComparison.Ordinal));
            }
        }

        // EF Core writes some DDL as dynamic SQL (EXEC(N'...')) in idempotent scripts: replay what it runs.
        public override void Visit(ExecuteStatement node)
        {
            if (node.ExecuteSpecification.ExecutableEntity is ExecutableStringList { Strings: [StringLiteral literal] })
            {
                var inner = Parse(literal.Value, out var errors);
                if (errors.Count > 0)
                {
                    throw new InvalidOperationException($"EXEC text in the migration script does not parse: {literal.Value}");
                }
                inner.Accept(this);
            }
        }

        private static ScriptColumn Column(string table, ColumnDefinition column) =>
            new(table, column.ColumnIdentifier.Value, Script(column.DataType), column.Collation?.Value, IsNullable(column.Constraints));
    }
}

/// <summary>One statement as SqlClient would send it: the text and its parameters.</summary>
public sealed record CapturedStatement(string Text, IReadOnlyList<CapturedParameter> Parameters)
{
    /// <summary>The statement without values: its parameters' declarations, then its text.</summary>
    public string Normalized => string.Concat(Parameters.Select(p => $"-- {p.Name} {p.StoreType}\n")) + Text;
}

/// <summary>A parameter as SQL Server declares it (<c>@p0 nvarchar(400)</c>) and its value as text.</summary>
public sealed record CapturedParameter(string Name, string StoreType, string? Value)
{
    public static CapturedParameter Of(System.Data.Common.DbParameter parameter)
    {
        var p = (SqlParameter)parameter;
        var size = p.Size is -1 or > 4000 ? "max" : p.Size.ToString(CultureInfo.InvariantCulture);
        var type = p.SqlDbType switch
        {
            SqlDbType.NVarChar => $"nvarchar({(p.Size == 0 ? "4000" : size)})",
            SqlDbType.NChar => $"nchar({p.Size})",
            SqlDbType.VarChar => $"varchar({(p.Size == 0 ? "8000" : size)})",
            SqlDbType.Char => $"char({p.Size})",
            SqlDbType.VarBinary => $"varbinary({(p.Size == 0 ? "8000" : size)})",
            SqlDbType.Decimal => $"decimal({p.Precision},{p.Scale})",
            SqlDbType.DateTime2 => "datetime2",
            SqlDbType.DateTimeOffset => "datetimeoffset",
            _ => p.SqlDbType.ToString().ToLowerInvariant(),
        };
        var name = p.ParameterName.StartsWith('@') ? p.ParameterName : "@" + p.ParameterName;
        return new CapturedParameter(name, type, Convert.ToString(p.Value, CultureInfo.InvariantCulture));
    }
}
