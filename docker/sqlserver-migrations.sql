-- Session options for filtered indexes and indexed views (sqlcmd sets QUOTED_IDENTIFIER OFF unless run with -I),
-- and XACT_ABORT so that a migration that fails is rolled back whole instead of being recorded as applied.
SET ANSI_NULLS ON;
SET ANSI_PADDING ON;
SET ANSI_WARNINGS ON;
SET ARITHABORT ON;
SET CONCAT_NULL_YIELDS_NULL ON;
SET QUOTED_IDENTIFIER ON;
SET NUMERIC_ROUNDABORT OFF;
SET XACT_ABORT ON;
GO

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
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var2 nvarchar(max);
    SELECT @var2 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Sources]') AND [c].[name] = N'Section');
    IF @var2 IS NOT NULL EXEC(N'ALTER TABLE [Sources] DROP CONSTRAINT ' + @var2 + ';');
    ALTER TABLE [Sources] ALTER COLUMN [Section] nvarchar(200) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var3 nvarchar(max);
    SELECT @var3 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Sources]') AND [c].[name] = N'Kind');
    IF @var3 IS NOT NULL EXEC(N'ALTER TABLE [Sources] DROP CONSTRAINT ' + @var3 + ';');
    ALTER TABLE [Sources] ALTER COLUMN [Kind] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var4 nvarchar(max);
    SELECT @var4 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Sources]') AND [c].[name] = N'Format');
    IF @var4 IS NOT NULL EXEC(N'ALTER TABLE [Sources] DROP CONSTRAINT ' + @var4 + ';');
    ALTER TABLE [Sources] ALTER COLUMN [Format] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var5 nvarchar(max);
    SELECT @var5 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Sources]') AND [c].[name] = N'FileName');
    IF @var5 IS NOT NULL EXEC(N'ALTER TABLE [Sources] DROP CONSTRAINT ' + @var5 + ';');
    ALTER TABLE [Sources] ALTER COLUMN [FileName] nvarchar(260) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Sources_ContentSha256] ON [Sources];
    DECLARE @var6 nvarchar(max);
    SELECT @var6 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Sources]') AND [c].[name] = N'ContentSha256');
    IF @var6 IS NOT NULL EXEC(N'ALTER TABLE [Sources] DROP CONSTRAINT ' + @var6 + ';');
    ALTER TABLE [Sources] ALTER COLUMN [ContentSha256] nchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL;
    CREATE UNIQUE INDEX [IX_Sources_ContentSha256] ON [Sources] ([ContentSha256]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var7 nvarchar(max);
    SELECT @var7 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[SectionOneEntries]') AND [c].[name] = N'SourceNotes');
    IF @var7 IS NOT NULL EXEC(N'ALTER TABLE [SectionOneEntries] DROP CONSTRAINT ' + @var7 + ';');
    ALTER TABLE [SectionOneEntries] ALTER COLUMN [SourceNotes] nvarchar(1000) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var8 nvarchar(max);
    SELECT @var8 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[SearchOutbox]') AND [c].[name] = N'LastError');
    IF @var8 IS NOT NULL EXEC(N'ALTER TABLE [SearchOutbox] DROP CONSTRAINT ' + @var8 + ';');
    ALTER TABLE [SearchOutbox] ALTER COLUMN [LastError] nvarchar(2000) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var9 nvarchar(max);
    SELECT @var9 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Policies]') AND [c].[name] = N'Name');
    IF @var9 IS NOT NULL EXEC(N'ALTER TABLE [Policies] DROP CONSTRAINT ' + @var9 + ';');
    ALTER TABLE [Policies] ALTER COLUMN [Name] nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var10 nvarchar(max);
    SELECT @var10 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Policies]') AND [c].[name] = N'DateEnactedAsPublished');
    IF @var10 IS NOT NULL EXEC(N'ALTER TABLE [Policies] DROP CONSTRAINT ' + @var10 + ';');
    ALTER TABLE [Policies] ALTER COLUMN [DateEnactedAsPublished] nvarchar(60) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var11 nvarchar(max);
    SELECT @var11 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Policies]') AND [c].[name] = N'CriteriaForHonoringDetainers');
    IF @var11 IS NOT NULL EXEC(N'ALTER TABLE [Policies] DROP CONSTRAINT ' + @var11 + ';');
    ALTER TABLE [Policies] ALTER COLUMN [CriteriaForHonoringDetainers] nvarchar(4000) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Jurisdictions_State_Name] ON [Jurisdictions];
    DECLARE @var12 nvarchar(max);
    SELECT @var12 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Jurisdictions]') AND [c].[name] = N'State');
    IF @var12 IS NOT NULL EXEC(N'ALTER TABLE [Jurisdictions] DROP CONSTRAINT ' + @var12 + ';');
    ALTER TABLE [Jurisdictions] ALTER COLUMN [State] nchar(2) COLLATE Latin1_General_100_BIN2 NOT NULL;
    CREATE UNIQUE INDEX [IX_Jurisdictions_State_Name] ON [Jurisdictions] ([State], [Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Jurisdictions_State_Name] ON [Jurisdictions];
    DECLARE @var13 nvarchar(max);
    SELECT @var13 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Jurisdictions]') AND [c].[name] = N'Name');
    IF @var13 IS NOT NULL EXEC(N'ALTER TABLE [Jurisdictions] DROP CONSTRAINT ' + @var13 + ';');
    ALTER TABLE [Jurisdictions] ALTER COLUMN [Name] nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL;
    CREATE UNIQUE INDEX [IX_Jurisdictions_State_Name] ON [Jurisdictions] ([State], [Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var14 nvarchar(max);
    SELECT @var14 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Jurisdictions]') AND [c].[name] = N'Kind');
    IF @var14 IS NOT NULL EXEC(N'ALTER TABLE [Jurisdictions] DROP CONSTRAINT ' + @var14 + ';');
    ALTER TABLE [Jurisdictions] ALTER COLUMN [Kind] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var15 nvarchar(max);
    SELECT @var15 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Jurisdictions]') AND [c].[name] = N'Fips');
    IF @var15 IS NOT NULL EXEC(N'ALTER TABLE [Jurisdictions] DROP CONSTRAINT ' + @var15 + ';');
    ALTER TABLE [Jurisdictions] ALTER COLUMN [Fips] nchar(5) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var16 nvarchar(max);
    SELECT @var16 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Jurisdictions]') AND [c].[name] = N'FieldOffice');
    IF @var16 IS NOT NULL EXEC(N'ALTER TABLE [Jurisdictions] DROP CONSTRAINT ' + @var16 + ';');
    ALTER TABLE [Jurisdictions] ALTER COLUMN [FieldOffice] nvarchar(40) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Facilities_State_Name_City] ON [Facilities];
    DECLARE @var17 nvarchar(max);
    SELECT @var17 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Facilities]') AND [c].[name] = N'State');
    IF @var17 IS NOT NULL EXEC(N'ALTER TABLE [Facilities] DROP CONSTRAINT ' + @var17 + ';');
    ALTER TABLE [Facilities] ALTER COLUMN [State] nchar(2) COLLATE Latin1_General_100_BIN2 NOT NULL;
    EXEC(N'CREATE UNIQUE INDEX [IX_Facilities_State_Name_City] ON [Facilities] ([State], [Name], [City]) WHERE [City] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Facilities_State_Name_City] ON [Facilities];
    DECLARE @var18 nvarchar(max);
    SELECT @var18 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Facilities]') AND [c].[name] = N'Name');
    IF @var18 IS NOT NULL EXEC(N'ALTER TABLE [Facilities] DROP CONSTRAINT ' + @var18 + ';');
    ALTER TABLE [Facilities] ALTER COLUMN [Name] nvarchar(200) COLLATE Latin1_General_100_BIN2 NOT NULL;
    EXEC(N'CREATE UNIQUE INDEX [IX_Facilities_State_Name_City] ON [Facilities] ([State], [Name], [City]) WHERE [City] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Facilities_State_Name_City] ON [Facilities];
    DECLARE @var19 nvarchar(max);
    SELECT @var19 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Facilities]') AND [c].[name] = N'City');
    IF @var19 IS NOT NULL EXEC(N'ALTER TABLE [Facilities] DROP CONSTRAINT ' + @var19 + ';');
    ALTER TABLE [Facilities] ALTER COLUMN [City] nvarchar(100) COLLATE Latin1_General_100_BIN2 NULL;
    EXEC(N'CREATE UNIQUE INDEX [IX_Facilities_State_Name_City] ON [Facilities] ([State], [Name], [City]) WHERE [City] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var20 nvarchar(max);
    SELECT @var20 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'SourceUrl');
    IF @var20 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var20 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [SourceUrl] nvarchar(2000) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var21 nvarchar(max);
    SELECT @var21 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'OutcomeAsPublished');
    IF @var21 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var21 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [OutcomeAsPublished] nvarchar(100) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers];
    DROP INDEX [IX_Detainers_WeekStart_Outcome] ON [Detainers];
    DECLARE @var22 nvarchar(max);
    SELECT @var22 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'Outcome');
    IF @var22 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var22 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [Outcome] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
    CREATE INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers] ([Outcome], [IssuedOn]);
    CREATE INDEX [IX_Detainers_WeekStart_Outcome] ON [Detainers] ([WeekStart], [Outcome]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var23 nvarchar(max);
    SELECT @var23 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'DetainerTypeAsPublished');
    IF @var23 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var23 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [DetainerTypeAsPublished] nvarchar(200) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var24 nvarchar(max);
    SELECT @var24 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'DetainerType');
    IF @var24 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var24 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [DetainerType] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var25 nvarchar(max);
    SELECT @var25 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'Citizenship');
    IF @var25 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var25 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [Citizenship] nvarchar(100) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var26 nvarchar(max);
    SELECT @var26 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'Target');
    IF @var26 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var26 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [Target] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var27 nvarchar(max);
    SELECT @var27 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'Reason');
    IF @var27 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var27 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [Reason] nvarchar(2000) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var28 nvarchar(max);
    SELECT @var28 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'OldValue');
    IF @var28 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var28 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [OldValue] nvarchar(400) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var29 nvarchar(max);
    SELECT @var29 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'NewValue');
    IF @var29 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var29 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [NewValue] nvarchar(400) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Corrections_Editor_IdempotencyKey] ON [Corrections];
    DECLARE @var30 nvarchar(max);
    SELECT @var30 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'IdempotencyKey');
    IF @var30 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var30 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [IdempotencyKey] nvarchar(100) COLLATE Latin1_General_100_BIN2 NULL;
    EXEC(N'CREATE UNIQUE INDEX [IX_Corrections_Editor_IdempotencyKey] ON [Corrections] ([Editor], [IdempotencyKey]) WHERE [Editor] IS NOT NULL AND [IdempotencyKey] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var31 nvarchar(max);
    SELECT @var31 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'Field');
    IF @var31 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var31 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [Field] nvarchar(60) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Corrections_Editor_IdempotencyKey] ON [Corrections];
    DECLARE @var32 nvarchar(max);
    SELECT @var32 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'Editor');
    IF @var32 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var32 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [Editor] nvarchar(200) COLLATE Latin1_General_100_BIN2 NULL;
    EXEC(N'CREATE UNIQUE INDEX [IX_Corrections_Editor_IdempotencyKey] ON [Corrections] ([Editor], [IdempotencyKey]) WHERE [Editor] IS NOT NULL AND [IdempotencyKey] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var33 nvarchar(max);
    SELECT @var33 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'CorrectedOn');
    IF @var33 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var33 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [CorrectedOn] nvarchar(10) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var34 nvarchar(max);
    SELECT @var34 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Corrections]') AND [c].[name] = N'Authority');
    IF @var34 IS NOT NULL EXEC(N'ALTER TABLE [Corrections] DROP CONSTRAINT ' + @var34 + ';');
    ALTER TABLE [Corrections] ALTER COLUMN [Authority] nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var35 nvarchar(max);
    SELECT @var35 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Charges]') AND [c].[name] = N'Status');
    IF @var35 IS NOT NULL EXEC(N'ALTER TABLE [Charges] DROP CONSTRAINT ' + @var35 + ';');
    ALTER TABLE [Charges] ALTER COLUMN [Status] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Charges_NcicCode] ON [Charges];
    DECLARE @var36 nvarchar(max);
    SELECT @var36 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Charges]') AND [c].[name] = N'NcicCode');
    IF @var36 IS NOT NULL EXEC(N'ALTER TABLE [Charges] DROP CONSTRAINT ' + @var36 + ';');
    ALTER TABLE [Charges] ALTER COLUMN [NcicCode] nchar(4) COLLATE Latin1_General_100_BIN2 NULL;
    CREATE INDEX [IX_Charges_NcicCode] ON [Charges] ([NcicCode]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DECLARE @var37 nvarchar(max);
    SELECT @var37 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Charges]') AND [c].[name] = N'Description');
    IF @var37 IS NOT NULL EXEC(N'ALTER TABLE [Charges] DROP CONSTRAINT ' + @var37 + ';');
    ALTER TABLE [Charges] ALTER COLUMN [Description] nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    DROP INDEX [IX_Charges_Category_DetainerId] ON [Charges];
    DECLARE @var38 nvarchar(max);
    SELECT @var38 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Charges]') AND [c].[name] = N'Category');
    IF @var38 IS NOT NULL EXEC(N'ALTER TABLE [Charges] DROP CONSTRAINT ' + @var38 + ';');
    ALTER TABLE [Charges] ALTER COLUMN [Category] nvarchar(60) COLLATE Latin1_General_100_BIN2 NULL;
    CREATE INDEX [IX_Charges_Category_DetainerId] ON [Charges] ([Category], [DetainerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114053_CaseSensitiveTextCollation'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129114053_CaseSensitiveTextCollation', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    ALTER TABLE [Detainers] ADD [IsSynthetic] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    ALTER TABLE [Detainers] ADD [IssuedOnOrAfter] date NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    ALTER TABLE [Detainers] ADD [JurisdictionResolution] nvarchar(40) NOT NULL DEFAULT N'';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    ALTER TABLE [Detainers] ADD [JurisdictionRule] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    ALTER TABLE [Detainers] ADD [PlaceOfBirth] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    UPDATE Detainers SET IsSynthetic = 1 WHERE SourceId IN (SELECT Id FROM Sources WHERE Kind = 'Synthetic');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    UPDATE Detainers SET JurisdictionResolution = CASE WHEN JurisdictionId IS NULL THEN 'Unresolved' ELSE 'Named' END;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129114602_AddDataTruth'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129114602_AddDataTruth', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129130859_CollateDataTruthColumns'
)
BEGIN
    DECLARE @var39 nvarchar(max);
    SELECT @var39 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'PlaceOfBirth');
    IF @var39 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var39 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [PlaceOfBirth] nvarchar(200) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129130859_CollateDataTruthColumns'
)
BEGIN
    DECLARE @var40 nvarchar(max);
    SELECT @var40 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'JurisdictionRule');
    IF @var40 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var40 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [JurisdictionRule] nvarchar(200) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129130859_CollateDataTruthColumns'
)
BEGIN
    DECLARE @var41 nvarchar(max);
    SELECT @var41 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[Detainers]') AND [c].[name] = N'JurisdictionResolution');
    IF @var41 IS NOT NULL EXEC(N'ALTER TABLE [Detainers] DROP CONSTRAINT ' + @var41 + ';');
    ALTER TABLE [Detainers] ALTER COLUMN [JurisdictionResolution] nvarchar(40) COLLATE Latin1_General_100_BIN2 NOT NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129130859_CollateDataTruthColumns'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129130859_CollateDataTruthColumns', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    DROP INDEX [IX_Detainers_IssuedOn] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    DROP INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    CREATE INDEX [IX_Detainers_IssuedOn] ON [Detainers] ([IssuedOn] DESC);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    CREATE INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers] ([Outcome], [IssuedOn] DESC);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    EXEC(N'CREATE VIEW [dbo].[DetainerCounts] WITH SCHEMABINDING AS
    SELECT
        [JurisdictionId] AS [JurisdictionId],
        [FacilityId] AS [FacilityId],
        [WeekStart] AS [WeekStart],
        [Outcome] AS [Outcome],
        [DetainerType] AS [DetainerType],
        [Citizenship] AS [Citizenship],
        [SourceId] AS [SourceId],
        DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]) AS [IssuedMonth],
        DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]) AS [OutcomeMonth],
        [Retracted] AS [Retracted],
        [IsSynthetic] AS [IsSynthetic],
        COUNT_BIG(*) AS [Count]
    FROM [dbo].[Detainers]
    GROUP BY [JurisdictionId], [FacilityId], [WeekStart], [Outcome], [DetainerType], [Citizenship], [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]), DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]), [Retracted], [IsSynthetic]')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    CREATE UNIQUE CLUSTERED INDEX [IX_DetainerCounts_Key] ON [dbo].[DetainerCounts] ([JurisdictionId], [FacilityId], [WeekStart], [Outcome], [DetainerType], [Citizenship], [SourceId], [IssuedMonth], [OutcomeMonth], [Retracted], [IsSynthetic])
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    EXEC(N'CREATE VIEW [dbo].[DetainerTotals] WITH SCHEMABINDING AS
    SELECT
        [Outcome] AS [Outcome],
        [DetainerType] AS [DetainerType],
        [SourceId] AS [SourceId],
        DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]) AS [IssuedMonth],
        DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]) AS [OutcomeMonth],
        [Retracted] AS [Retracted],
        [IsSynthetic] AS [IsSynthetic],
        COUNT_BIG(*) AS [Count]
    FROM [dbo].[Detainers]
    GROUP BY [Outcome], [DetainerType], [SourceId], DATEADD(day, 1 - DAY([IssuedOn]), [IssuedOn]), DATEADD(day, 1 - DAY([OutcomeRecordedOn]), [OutcomeRecordedOn]), [Retracted], [IsSynthetic]')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    CREATE UNIQUE CLUSTERED INDEX [IX_DetainerTotals_Key] ON [dbo].[DetainerTotals] ([Outcome], [DetainerType], [SourceId], [IssuedMonth], [OutcomeMonth], [Retracted], [IsSynthetic])
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129143610_AddScaleRollup'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129143610_AddScaleRollup', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129172808_CoarseCountRollups'
)
BEGIN
    EXEC(N'CREATE VIEW [dbo].[DetainerRegionWeekCounts] AS
    SELECT j.[State] AS [State], j.[FieldOffice] AS [FieldOffice], c.[WeekStart] AS [WeekStart], c.[Outcome] AS [Outcome],
        c.[DetainerType] AS [DetainerType], c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
    FROM [dbo].[DetainerCounts] c WITH (NOEXPAND) LEFT JOIN [dbo].[Jurisdictions] j ON j.[Id] = c.[JurisdictionId]
    GROUP BY j.[State], j.[FieldOffice], c.[WeekStart], c.[Outcome], c.[DetainerType], c.[Retracted], c.[IsSynthetic]')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129172808_CoarseCountRollups'
)
BEGIN
    EXEC(N'CREATE VIEW [dbo].[DetainerRegionMonthCounts] AS
    SELECT j.[State] AS [State], j.[FieldOffice] AS [FieldOffice], c.[IssuedMonth] AS [IssuedMonth], c.[Outcome] AS [Outcome],
        c.[DetainerType] AS [DetainerType], c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
    FROM [dbo].[DetainerCounts] c WITH (NOEXPAND) LEFT JOIN [dbo].[Jurisdictions] j ON j.[Id] = c.[JurisdictionId]
    GROUP BY j.[State], j.[FieldOffice], c.[IssuedMonth], c.[Outcome], c.[DetainerType], c.[Retracted], c.[IsSynthetic]')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129172808_CoarseCountRollups'
)
BEGIN
    EXEC(N'CREATE VIEW [dbo].[DetainerCitizenshipWeekCounts] AS
    SELECT c.[Citizenship] AS [Citizenship], c.[WeekStart] AS [WeekStart], c.[Outcome] AS [Outcome],
        c.[DetainerType] AS [DetainerType], c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
    FROM [dbo].[DetainerCounts] c WITH (NOEXPAND)
    GROUP BY c.[Citizenship], c.[WeekStart], c.[Outcome], c.[DetainerType], c.[Retracted], c.[IsSynthetic]')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261129172808_CoarseCountRollups'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261129172808_CoarseCountRollups', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130023558_JurisdictionNameIndex'
)
BEGIN
    CREATE INDEX [IX_Jurisdictions_Name] ON [Jurisdictions] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130023558_JurisdictionNameIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130023558_JurisdictionNameIndex', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130100529_StateWeekRollupAndListIndexes'
)
BEGIN
    DROP INDEX [IX_Detainers_JurisdictionId_IssuedOn] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130100529_StateWeekRollupAndListIndexes'
)
BEGIN
    DROP INDEX [IX_Detainers_Outcome_IssuedOn] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130100529_StateWeekRollupAndListIndexes'
)
BEGIN
    CREATE INDEX [IX_Detainers_JurisdictionId_IssuedOn_Retracted_Outcome] ON [Detainers] ([JurisdictionId], [IssuedOn] DESC, [Retracted], [Outcome]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130100529_StateWeekRollupAndListIndexes'
)
BEGIN
    CREATE INDEX [IX_Detainers_Outcome_IssuedOn_Retracted_JurisdictionId] ON [Detainers] ([Outcome], [IssuedOn] DESC, [Retracted], [JurisdictionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130100529_StateWeekRollupAndListIndexes'
)
BEGIN
    EXEC(N'CREATE VIEW [dbo].[DetainerStateWeekCounts] AS
    SELECT j.[State] AS [State], c.[WeekStart] AS [WeekStart], c.[Outcome] AS [Outcome],
        c.[Retracted] AS [Retracted], c.[IsSynthetic] AS [IsSynthetic], SUM(c.[Count]) AS [Count]
    FROM [dbo].[DetainerCounts] c WITH (NOEXPAND) LEFT JOIN [dbo].[Jurisdictions] j ON j.[Id] = c.[JurisdictionId]
    GROUP BY j.[State], c.[WeekStart], c.[Outcome], c.[Retracted], c.[IsSynthetic]')
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130100529_StateWeekRollupAndListIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130100529_StateWeekRollupAndListIndexes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130125844_ListIndexesOrderedById'
)
BEGIN
    DROP INDEX [IX_Detainers_JurisdictionId_IssuedOn_Retracted_Outcome] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130125844_ListIndexesOrderedById'
)
BEGIN
    DROP INDEX [IX_Detainers_Outcome_IssuedOn_Retracted_JurisdictionId] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130125844_ListIndexesOrderedById'
)
BEGIN
    CREATE INDEX [IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome] ON [Detainers] ([JurisdictionId], [IssuedOn] DESC, [Id], [Retracted], [Outcome]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130125844_ListIndexesOrderedById'
)
BEGIN
    CREATE INDEX [IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId] ON [Detainers] ([Outcome], [IssuedOn] DESC, [Id], [Retracted], [JurisdictionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261130125844_ListIndexesOrderedById'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261130125844_ListIndexesOrderedById', N'10.0.15');
END;

COMMIT;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261201235842_AllowSnapshotIsolation'
)
BEGIN
    ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;
END;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261201235842_AllowSnapshotIsolation'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261201235842_AllowSnapshotIsolation', N'10.0.15');
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202183213_IssuedOnOrAfterIndexes'
)
BEGIN
    CREATE INDEX [IX_Detainers_IssuedOnOrAfter] ON [Detainers] ([IssuedOnOrAfter] DESC);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202183213_IssuedOnOrAfterIndexes'
)
BEGIN
    CREATE INDEX [IX_Detainers_IssuedOnOrAfter_Ascending] ON [Detainers] ([IssuedOnOrAfter]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202183213_IssuedOnOrAfterIndexes'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome] ON [Detainers] ([JurisdictionId], [IssuedOnOrAfter] DESC, [Id], [Retracted], [Outcome]) WHERE [IssuedOnOrAfter] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202183213_IssuedOnOrAfterIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202183213_IssuedOnOrAfterIndexes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202185722_AddStoreSettings'
)
BEGIN
    CREATE TABLE [StoreSettings] (
        [Key] nvarchar(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [Value] nvarchar(400) COLLATE Latin1_General_100_BIN2 NOT NULL,
        CONSTRAINT [PK_StoreSettings] PRIMARY KEY ([Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261202185722_AddStoreSettings'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261202185722_AddStoreSettings', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261203103754_IssuedOnOrAfterRuns'
)
BEGIN
    DROP INDEX [IX_Detainers_IssuedOnOrAfter] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261203103754_IssuedOnOrAfterRuns'
)
BEGIN
    DROP INDEX [IX_Detainers_IssuedOnOrAfter_Ascending] ON [Detainers];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261203103754_IssuedOnOrAfterRuns'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_Detainers_IssuedOnOrAfter] ON [Detainers] ([IssuedOnOrAfter] DESC) WHERE [IssuedOnOrAfter] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261203103754_IssuedOnOrAfterRuns'
)
BEGIN
    EXEC(N'CREATE INDEX [IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing] ON [Detainers] ([JurisdictionId], [Id], [Retracted], [Outcome]) WHERE [IssuedOnOrAfter] IS NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261203103754_IssuedOnOrAfterRuns'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261203103754_IssuedOnOrAfterRuns', N'10.0.15');
END;

COMMIT;
GO

