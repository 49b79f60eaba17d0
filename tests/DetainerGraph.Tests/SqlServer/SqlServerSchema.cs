using System.Data;
using System.Globalization;
using System.Text;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>A column as the committed migration script leaves it: its store type (e.g. <c>nvarchar(400)</c>), collation and nullability.</summary>
public sealed record ScriptColumn(string Table, string Name, string StoreType, string? Collation, bool IsNullable);

/// <summary>
/// The SQL Server schema that <c>docker/sqlserver-migrations.sql</c> builds, read with Microsoft's own T-SQL parser
/// (ScriptDom, SQL Server 2022 grammar) and replayed: each <c>CREATE TABLE</c>, then each <c>ALTER TABLE</c> that adds,
/// alters or drops a column, in script order, including statements EF Core wraps in <c>EXEC(N'...')</c>.
/// <see cref="Check"/> resolves every table and column a statement names against the result.
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

    /// <summary>The CREATE INDEX statements the script leaves in place, as ScriptDom prints them.</summary>
    public IReadOnlyList<string> Indexes => _indexes;

    /// <summary>
    /// Resolves every table and column each statement names against the schema, with ScriptDom: tables by name,
    /// <c>[alias].[column]</c> through the statement's aliases (a derived table's or VALUES list's alias is checked
    /// where it is built), <c>INSERTED.[column]</c> and the columns of INSERT, MERGE and UPDATE against their target.
    /// Returns each unknown name with the statement's position.
    /// </summary>
    /// <remarks>
    /// DacFx (a <c>TSqlModel</c> validating the statements as procedure bodies) would do this too, but its collation
    /// table maps SQL Server collations to Windows LCIDs (e.g. 0x048c, prs-AF) that Linux's ICU lacks, so it cannot
    /// build a model on this platform.
    /// </remarks>
    public IReadOnlyList<(int Statement, string Error)> Check(IReadOnlyList<CapturedStatement> statements)
    {
        var errors = new List<(int, string)>();
        for (var i = 0; i < statements.Count; i++)
        {
            var fragment = Parse(statements[i].Text, out var parseErrors);
            if (parseErrors.Count > 0)
            {
                errors.AddRange(parseErrors.Select(e => (i, $"does not parse: line {e.Line}: {e.Message}")));
                continue;
            }
            var aliases = new Aliases(this);
            fragment.Accept(aliases);
            var names = new Names(this, aliases);
            fragment.Accept(names);
            errors.AddRange(aliases.Unknown.Concat(names.Unknown).Select(e => (i, e)));
        }
        return errors;
    }

    /// <summary>The statement's table aliases: to real tables, or derived (a subquery, VALUES list or table function).</summary>
    private sealed class Aliases(SqlServerSchema schema) : TSqlFragmentVisitor
    {
        public Dictionary<string, HashSet<string>> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);
        public HashSet<string> Derived { get; } = new(StringComparer.OrdinalIgnoreCase);
        public List<string> Unknown { get; } = [];

        // UPDATE [s] SET ... FROM [SearchOutbox] AS [s] (EF Core's ExecuteUpdate, and ExecuteDelete's DELETE [s] FROM ...):
        // the target names an alias of the FROM clause, read once the whole statement is visited.
        private NamedTableReference? _aliasedTarget;

        public override void ExplicitVisit(UpdateSpecification node) => VisitWrite(node.Target, node.FromClause, () => base.ExplicitVisit(node));

        public override void ExplicitVisit(DeleteSpecification node) => VisitWrite(node.Target, node.FromClause, () => base.ExplicitVisit(node));

        private void VisitWrite(TableReference target, FromClause? from, Action visit)
        {
            _aliasedTarget = from is not null && target is NamedTableReference { Alias: null } named ? named : null;
            visit();
            if (_aliasedTarget is { } aliased)
            {
                _aliasedTarget = null;
                if (!Tables.ContainsKey(aliased.SchemaObject.BaseIdentifier.Value))
                {
                    Visit(aliased);
                }
            }
        }

        public override void Visit(NamedTableReference node)
        {
            if (node == _aliasedTarget)
            {
                return;
            }
            var table = node.SchemaObject.BaseIdentifier.Value;
            if (!schema._tables.ContainsKey(table))
            {
                Unknown.Add($"unknown table [{table}]");
                return;
            }
            var alias = node.Alias?.Value ?? table;
            if (!Tables.TryGetValue(alias, out var tables))
            {
                Tables[alias] = tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }
            tables.Add(table);
        }

        public override void Visit(QueryDerivedTable node) => Derived.Add(node.Alias.Value);

        public override void Visit(InlineDerivedTable node) => Derived.Add(node.Alias.Value);

        public override void Visit(SchemaObjectFunctionTableReference node)
        {
            if (node.Alias is not null)
            {
                Derived.Add(node.Alias.Value);
            }
        }

        public override void Visit(CommonTableExpression node) => Derived.Add(node.ExpressionName.Value);

        // OPENJSON(@ids) WITH (...) AS [__openjson0]: EF Core's list parameter past SQL Server's 2,100 parameters.
        public override void Visit(OpenJsonTableReference node)
        {
            if (node.Alias is not null)
            {
                Derived.Add(node.Alias.Value);
            }
        }
    }

    private sealed class Names(SqlServerSchema schema, Aliases aliases) : TSqlFragmentVisitor
    {
        private string? _target;

        public List<string> Unknown { get; } = [];

        public override void ExplicitVisit(InsertSpecification node)
        {
            _target = Target(node.Target);
            foreach (var column in node.Columns)
            {
                Require(_target, column.MultiPartIdentifier.Identifiers[^1].Value);
            }
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(UpdateSpecification node)
        {
            _target = Target(node.Target);
            foreach (var clause in node.SetClauses.OfType<AssignmentSetClause>().Where(c => c.Column is not null))
            {
                Require(_target, clause.Column.MultiPartIdentifier.Identifiers[^1].Value);
            }
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(DeleteSpecification node)
        {
            _target = Target(node.Target);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(MergeSpecification node)
        {
            _target = Target(node.Target);
            foreach (var action in node.ActionClauses.Select(a => a.Action).OfType<InsertMergeAction>())
            {
                foreach (var column in action.Columns)
                {
                    Require(_target, column.MultiPartIdentifier.Identifiers[^1].Value);
                }
            }
            base.ExplicitVisit(node);
        }

        public override void Visit(ColumnReferenceExpression node)
        {
            if (node.ColumnType != ColumnType.Regular || node.MultiPartIdentifier is not { Count: 2 } name)
            {
                return;
            }
            var (qualifier, column) = (name.Identifiers[0].Value, name.Identifiers[1].Value);
            if (qualifier.Equals("INSERTED", StringComparison.OrdinalIgnoreCase) || qualifier.Equals("DELETED", StringComparison.OrdinalIgnoreCase))
            {
                Require(_target, column);
            }
            else if (aliases.Tables.TryGetValue(qualifier, out var tables))
            {
                if (!tables.Any(t => schema.Column(t, column) is not null))
                {
                    Unknown.Add($"unknown column [{qualifier}].[{column}] (no {string.Join(" or ", tables)}.{column})");
                }
            }
            else if (!aliases.Derived.Contains(qualifier))
            {
                Unknown.Add($"unknown table or alias [{qualifier}] (in [{qualifier}].[{column}])");
            }
        }

        private string? Target(TableReference? target) =>
            target is NamedTableReference named && aliases.Tables.TryGetValue(named.Alias?.Value ?? named.SchemaObject.BaseIdentifier.Value, out var tables)
                ? tables.First()
                : null;

        private void Require(string? table, string column)
        {
            if (table is null)
            {
                Unknown.Add($"a write whose target table is unknown (column [{column}])");
            }
            else if (schema.Column(table, column) is null)
            {
                Unknown.Add($"unknown column {table}.{column}");
            }
        }
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

        // An indexed view (the DetainerCounts rollups) is read like a table: its columns are its select list's names.
        public override void Visit(CreateViewStatement node)
        {
            var view = node.SchemaObjectName.BaseIdentifier.Value;
            if (node.SelectStatement.QueryExpression is QuerySpecification query)
            {
                schema._tables[view] =
                [
                    .. query.SelectElements.OfType<SelectScalarExpression>()
                        .Select(e => e.ColumnName?.Value ?? (e.Expression as ColumnReferenceExpression)?.MultiPartIdentifier.Identifiers[^1].Value)
                        .OfType<string>()
                        .Select(name => new ScriptColumn(view, name, "view", null, true)),
                ];
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
