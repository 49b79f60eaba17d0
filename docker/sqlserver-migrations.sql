IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Sources] (
        [Id] int NOT NULL IDENTITY,
        [Kind] nvarchar(40) NOT NULL,
        [Format] nvarchar(40) NOT NULL,
        [FileName] nvarchar(260) NOT NULL,
        [ContentSha256] nchar(64) NOT NULL,
        [Section] nvarchar(200) NULL,
        [SyntheticSeed] int NULL,
        [ImportedAt] datetimeoffset NOT NULL,
        [RowCount] int NOT NULL,
        CONSTRAINT [PK_Sources] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Weeks] (
        [Start] date NOT NULL,
        [End] date NOT NULL,
        CONSTRAINT [PK_Weeks] PRIMARY KEY ([Start])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Jurisdictions] (
        [Id] int NOT NULL IDENTITY,
        [Name] nvarchar(200) NOT NULL,
        [State] nchar(2) NOT NULL,
        [Kind] nvarchar(40) NOT NULL,
        [Fips] nchar(5) NULL,
        [FieldOffice] nvarchar(40) NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_Jurisdictions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Jurisdictions_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Reports] (
        [Number] int NOT NULL,
        [WeekStart] date NOT NULL,
        [PublishedOn] date NULL,
        [DetainersIssuedNationwide] int NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_Reports] PRIMARY KEY ([Number]),
        CONSTRAINT [FK_Reports_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Reports_Weeks_WeekStart] FOREIGN KEY ([WeekStart]) REFERENCES [Weeks] ([Start]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Facilities] (
        [Id] int NOT NULL IDENTITY,
        [Name] nvarchar(200) NOT NULL,
        [City] nvarchar(100) NULL,
        [State] nchar(2) NOT NULL,
        [JurisdictionId] int NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_Facilities] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Facilities_Jurisdictions_JurisdictionId] FOREIGN KEY ([JurisdictionId]) REFERENCES [Jurisdictions] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Facilities_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Policies] (
        [Id] int NOT NULL IDENTITY,
        [JurisdictionId] int NOT NULL,
        [DateEnactedAsPublished] nvarchar(60) NULL,
        [EnactedOn] date NULL,
        [Name] nvarchar(400) NOT NULL,
        [CriteriaForHonoringDetainers] nvarchar(4000) NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_Policies] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Policies_Jurisdictions_JurisdictionId] FOREIGN KEY ([JurisdictionId]) REFERENCES [Jurisdictions] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Policies_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [SectionOneEntries] (
        [Id] int NOT NULL IDENTITY,
        [WeekStart] date NOT NULL,
        [Rank] int NOT NULL,
        [JurisdictionId] int NOT NULL,
        [DetainersIssued] int NULL,
        [SourceNotes] nvarchar(1000) NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_SectionOneEntries] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_SectionOneEntries_Jurisdictions_JurisdictionId] FOREIGN KEY ([JurisdictionId]) REFERENCES [Jurisdictions] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_SectionOneEntries_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_SectionOneEntries_Weeks_WeekStart] FOREIGN KEY ([WeekStart]) REFERENCES [Weeks] ([Start]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Detainers] (
        [Id] bigint NOT NULL IDENTITY,
        [IssuedOn] date NULL,
        [DetainerType] nvarchar(40) NOT NULL,
        [DetainerTypeAsPublished] nvarchar(200) NULL,
        [Outcome] nvarchar(40) NOT NULL,
        [OutcomeAsPublished] nvarchar(100) NULL,
        [OutcomeRecordedOn] date NULL,
        [WeekStart] date NULL,
        [Citizenship] nvarchar(100) NULL,
        [FacilityId] int NULL,
        [JurisdictionId] int NULL,
        [SourceUrl] nvarchar(2000) NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_Detainers] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Detainers_Facilities_FacilityId] FOREIGN KEY ([FacilityId]) REFERENCES [Facilities] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Detainers_Jurisdictions_JurisdictionId] FOREIGN KEY ([JurisdictionId]) REFERENCES [Jurisdictions] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Detainers_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Detainers_Weeks_WeekStart] FOREIGN KEY ([WeekStart]) REFERENCES [Weeks] ([Start]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Charges] (
        [Id] bigint NOT NULL IDENTITY,
        [DetainerId] bigint NOT NULL,
        [Description] nvarchar(400) NOT NULL,
        [NcicCode] nchar(4) NULL,
        [Category] nvarchar(60) NULL,
        [Status] nvarchar(40) NOT NULL,
        [Ordinal] int NOT NULL,
        CONSTRAINT [PK_Charges] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Charges_Detainers_DetainerId] FOREIGN KEY ([DetainerId]) REFERENCES [Detainers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE TABLE [Corrections] (
        [Id] int NOT NULL IDENTITY,
        [Target] nvarchar(40) NOT NULL,
        [DetainerId] bigint NULL,
        [SectionOneEntryId] int NULL,
        [Field] nvarchar(60) NOT NULL,
        [OldValue] nvarchar(400) NULL,
        [NewValue] nvarchar(400) NULL,
        [CorrectedOn] nvarchar(10) NOT NULL,
        [Reason] nvarchar(2000) NOT NULL,
        [Authority] nvarchar(400) NOT NULL,
        [SourceId] int NOT NULL,
        [SourceLine] int NOT NULL,
        CONSTRAINT [PK_Corrections] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Corrections_Detainers_DetainerId] FOREIGN KEY ([DetainerId]) REFERENCES [Detainers] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Corrections_SectionOneEntries_SectionOneEntryId] FOREIGN KEY ([SectionOneEntryId]) REFERENCES [SectionOneEntries] ([Id]) ON DELETE NO ACTION,
        CONSTRAINT [FK_Corrections_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Charges_DetainerId_Ordinal] ON [Charges] ([DetainerId], [Ordinal]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Charges_NcicCode] ON [Charges] ([NcicCode]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Corrections_DetainerId] ON [Corrections] ([DetainerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Corrections_SectionOneEntryId] ON [Corrections] ([SectionOneEntryId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Corrections_SourceId_SourceLine] ON [Corrections] ([SourceId], [SourceLine]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Detainers_FacilityId] ON [Detainers] ([FacilityId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Detainers_IssuedOn] ON [Detainers] ([IssuedOn]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Detainers_JurisdictionId_IssuedOn] ON [Detainers] ([JurisdictionId], [IssuedOn]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Detainers_SourceId_SourceLine] ON [Detainers] ([SourceId], [SourceLine]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Detainers_WeekStart_Outcome] ON [Detainers] ([WeekStart], [Outcome]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Facilities_JurisdictionId] ON [Facilities] ([JurisdictionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Facilities_SourceId] ON [Facilities] ([SourceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Facilities_State_Name_City] ON [Facilities] ([State], [Name], [City]) WHERE [City] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Jurisdictions_SourceId] ON [Jurisdictions] ([SourceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Jurisdictions_State_Name] ON [Jurisdictions] ([State], [Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Policies_JurisdictionId] ON [Policies] ([JurisdictionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Policies_SourceId_SourceLine] ON [Policies] ([SourceId], [SourceLine]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_Reports_SourceId] ON [Reports] ([SourceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Reports_WeekStart] ON [Reports] ([WeekStart]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_SectionOneEntries_JurisdictionId] ON [SectionOneEntries] ([JurisdictionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_SectionOneEntries_SourceId_SourceLine] ON [SectionOneEntries] ([SourceId], [SourceLine]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE INDEX [IX_SectionOneEntries_WeekStart_Rank] ON [SectionOneEntries] ([WeekStart], [Rank]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Sources_ContentSha256] ON [Sources] ([ContentSha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128020803_InitialCreate'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261128020803_InitialCreate', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128031342_AddSearchOutbox'
)
BEGIN
    CREATE TABLE [SearchOutbox] (
        [Id] bigint NOT NULL IDENTITY,
        [SourceId] int NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ProcessedAt] datetimeoffset NULL,
        [Attempts] int NOT NULL,
        [LastError] nvarchar(2000) NULL,
        CONSTRAINT [PK_SearchOutbox] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_SearchOutbox_Sources_SourceId] FOREIGN KEY ([SourceId]) REFERENCES [Sources] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128031342_AddSearchOutbox'
)
BEGIN
    CREATE INDEX [IX_SearchOutbox_ProcessedAt_Id] ON [SearchOutbox] ([ProcessedAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128031342_AddSearchOutbox'
)
BEGIN
    CREATE INDEX [IX_SearchOutbox_SourceId] ON [SearchOutbox] ([SourceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128031342_AddSearchOutbox'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261128031342_AddSearchOutbox', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    DROP INDEX [IX_Corrections_SourceId_SourceLine] ON [Corrections];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [SectionOneEntries] ADD [Retracted] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    DECLARE @var nvarchar(max);
    SELECT @var = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[SearchOutbox]') AND [c].[name] = N'SourceId');
    IF @var IS NOT NULL EXEC(N'ALTER TABLE [SearchOutbox] DROP CONSTRAINT ' + @var + ';');
    ALTER TABLE [SearchOutbox] ALTER COLUMN [SourceId] int NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [SearchOutbox] ADD [DetainerId] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [Detainers] ADD [Retracted] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    DECLARE @var1 nvarchar(max);
    SELECT @var1 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'SourceId');
    IF @var1 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var1 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [SourceId] int NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [Corrections] ADD [ChargeId] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [Corrections] ADD [Editor] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [Corrections] ADD [IdempotencyKey] nvarchar(100) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [Corrections] ADD [RecordedAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    CREATE INDEX [IX_SearchOutbox_DetainerId] ON [SearchOutbox] ([DetainerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    CREATE INDEX [IX_Corrections_ChargeId] ON [Corrections] ([ChargeId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Corrections_Editor_IdempotencyKey] ON [Corrections] ([Editor], [IdempotencyKey]) WHERE [Editor] IS NOT NULL AND [IdempotencyKey] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Corrections_SourceId_SourceLine] ON [Corrections] ([SourceId], [SourceLine]) WHERE [SourceId] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [Corrections] ADD CONSTRAINT [FK_Corrections_Charges_ChargeId] FOREIGN KEY ([ChargeId]) REFERENCES [Charges] ([Id]) ON DELETE NO ACTION;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    ALTER TABLE [SearchOutbox] ADD CONSTRAINT [FK_SearchOutbox_Detainers_DetainerId] FOREIGN KEY ([DetainerId]) REFERENCES [Detainers] ([Id]) ON DELETE CASCADE;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043013_AddCorrectionWrites'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261128043013_AddCorrectionWrites', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043608_AddQueryIndexes'
)
BEGIN
    CREATE INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers] ([Outcome], [IssuedOn]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043608_AddQueryIndexes'
)
BEGIN
    CREATE INDEX [IX_Charges_Category_DetainerId] ON [Charges] ([Category], [DetainerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261128043608_AddQueryIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261128043608_AddQueryIndexes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    DROP INDEX [IX_Detainers_IssuedOn] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    DROP INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    CREATE INDEX [IX_Detainers_IssuedOn] ON [Detainers] ([IssuedOn] DESC);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    CREATE INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers] ([Outcome], [IssuedOn] DESC);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    CREATE VIEW [dbo].[DetainerCounts] WITH SCHEMABINDING AS
    SELECT [JurisdictionId] AS [JurisdictionId], [FacilityId] AS [FacilityId], [WeekStart] AS [WeekStart], [Outcome] AS [Outcome], [DetainerType] AS [DetainerType], [Citizenship] AS [Citizenship], [SourceId] AS [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]) AS [IssuedMonth], DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]) AS [OutcomeMonth], [Retracted] AS [Retracted], COUNT_BIG(*) AS [Count]
    FROM [dbo].[Detainers]
    GROUP BY [JurisdictionId], [FacilityId], [WeekStart], [Outcome], [DetainerType], [Citizenship], [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]), DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]), [Retracted]
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    CREATE UNIQUE CLUSTERED INDEX [IX_DetainerCounts_Key] ON [dbo].[DetainerCounts] ([JurisdictionId], [FacilityId], [WeekStart], [Outcome], [DetainerType], [Citizenship], [SourceId], [IssuedMonth], [OutcomeMonth], [Retracted])
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    CREATE VIEW [dbo].[DetainerTotals] WITH SCHEMABINDING AS
    SELECT [Outcome] AS [Outcome], [DetainerType] AS [DetainerType], [SourceId] AS [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]) AS [IssuedMonth], DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]) AS [OutcomeMonth], [Retracted] AS [Retracted], COUNT_BIG(*) AS [Count]
    FROM [dbo].[Detainers]
    GROUP BY [Outcome], [DetainerType], [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]), DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]), [Retracted]
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    CREATE UNIQUE CLUSTERED INDEX [IX_DetainerTotals_Key] ON [dbo].[DetainerTotals] ([Outcome], [DetainerType], [SourceId], [IssuedMonth], [OutcomeMonth], [Retracted])
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129121458_AddScaleRollup'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129121458_AddScaleRollup', N'10.0.15');
END;

COMMIT;
GO

