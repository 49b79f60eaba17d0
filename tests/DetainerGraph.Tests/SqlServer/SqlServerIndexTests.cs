using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>The committed SQL Server script creates the indexes the API's filters, sorts and imports rely on (docker/README.md says why each exists).</summary>
public sealed class SqlServerIndexTests
{
    public static TheoryData<string> Indexes => new()
    {
        // Import idempotence.
        "CREATE UNIQUE INDEX [IX_Sources_ContentSha256] ON [Sources] ([ContentSha256])",
        "CREATE UNIQUE INDEX [IX_Detainers_SourceId_SourceLine] ON [Detainers] ([SourceId], [SourceLine])",
        // Jurisdiction and state.
        "CREATE UNIQUE INDEX [IX_Jurisdictions_State_Name] ON [Jurisdictions] ([State], [Name])",
        "CREATE INDEX [IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome] ON [Detainers] ([JurisdictionId], [IssuedOn] DESC, [Id], [Retracted], [Outcome])",
        // Week and outcome.
        "CREATE INDEX [IX_Detainers_WeekStart_Outcome] ON [Detainers] ([WeekStart], [Outcome])",
        "CREATE INDEX [IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId] ON [Detainers] ([Outcome], [IssuedOn] DESC, [Id], [Retracted], [JurisdictionId])",
        // Issued date.
        "CREATE INDEX [IX_Detainers_IssuedOn] ON [Detainers] ([IssuedOn])",
        // Booking date (issuedOnOrAfter): the sort over all detainers, and a jurisdiction's in a page's order (its rows with
        // the date, and those without it).
        "CREATE INDEX [IX_Detainers_IssuedOnOrAfter] ON [Detainers] ([IssuedOnOrAfter] DESC) WHERE [IssuedOnOrAfter] IS NOT NULL",
        "CREATE INDEX [IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome] ON [Detainers] ([JurisdictionId], [IssuedOnOrAfter] DESC, [Id], [Retracted], [Outcome]) WHERE [IssuedOnOrAfter] IS NOT NULL",
        "CREATE INDEX [IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing] ON [Detainers] ([JurisdictionId], [Id], [Retracted], [Outcome]) WHERE [IssuedOnOrAfter] IS NULL",
        // Charges of a detainer, and by category.
        "CREATE UNIQUE INDEX [IX_Charges_DetainerId_Ordinal] ON [Charges] ([DetainerId], [Ordinal])",
        "CREATE INDEX [IX_Charges_Category_DetainerId] ON [Charges] ([Category], [DetainerId])",
        // The search outbox worker's queue.
        "CREATE INDEX [IX_SearchOutbox_ProcessedAt_Id] ON [SearchOutbox] ([ProcessedAt], [Id])",
    };

    [Theory]
    [MemberData(nameof(Indexes))]
    public void The_committed_script_creates_the_index(string statement)
    {
        var script = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docker", "sqlserver-migrations.sql"));

        Assert.Contains(statement, script, StringComparison.Ordinal);
    }
}
