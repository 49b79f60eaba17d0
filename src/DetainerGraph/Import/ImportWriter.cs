using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Import;

public sealed record ImportProgress(string File, int Done, int Total);

/// <summary>
/// Writes one parsed file in one transaction: its <see cref="Source"/>, the jurisdictions, facilities and
/// weeks it names that the store lacks, then its rows (bulk-inserted: a prepared statement on SQLite, SqlBulkCopy on SQL
/// Server). Any failure rolls the whole file back.
/// </summary>
public sealed class ImportWriter(DetainerDbContext db, ReferenceData reference)
{
    private const int ChunkSize = 5_000;

    /// <summary>
    /// The most search documents handed to the indexers at once. A chunk of <see cref="ChunkSize"/> detainers holds one to
    /// three charges each as a rule, but one detainer may hold any number (a booking exported with 100,000 charge rows):
    /// its documents go to the indexers as they are made, in batches of this size, so that both indexers share them and
    /// index while the rows are still being written, and the documents waiting stay bounded whatever a detainer holds.
    /// Tests lower it.
    /// </summary>
    internal int DocumentBatchSize { get; init; } = 10_000;
    private const int MaxCachedKeys = 65_536;

    /// <summary>
    /// The fewest detainers for which a SQLite import drops the secondary indexes of the detainer and charge tables
    /// and builds them again before its commit (see <see cref="SqliteDeferredIndexes"/>); the import must also hold
    /// at least as many detainers as the store. Also the fewest for which it drops and restores the detainer table's
    /// switched-off rollup triggers (see <see cref="SqliteDeferredTriggers"/>), whatever the store holds. Tests lower it
    /// to take those paths with small files.
    /// </summary>
    internal int DeferIndexesFrom { get; init; } = 10_000;

    /// <summary>Run on the thread that counts the rollup groups, before it counts (tests inject failures there).</summary>
    internal Action? WhileCountingRollupGroups { get; init; }

    /// <summary>The indexes the last write dropped and rebuilt (empty when it kept them), for tests.</summary>
    internal IReadOnlyList<string> RebuiltIndexes { get; private set; } = [];

    /// <summary>The rollup triggers the last write dropped and created again (empty when it kept them), for tests.</summary>
    internal IReadOnlyList<string> RestoredTriggers { get; private set; } = [];

    // Each jurisdiction's stored state and name by id, as search documents carry them (the file may spell them otherwise).
    private readonly Dictionary<int, (string State, string Name)> _jurisdictionNames = [];

    // Each jurisdiction's stored state and field office by id, for the coarse rollups' groups.
    private readonly Dictionary<int, (string State, string? FieldOffice)> _jurisdictionRegions = [];

    /// <param name="documents">When given, each chunk's search documents are handed to it as the chunk is written.</param>
    /// <param name="alreadyImported">
    /// Asked first inside the transaction, under the store's write lock: the source that already holds this content, if
    /// any; then nothing is written and <see cref="ContentAlreadyImportedException"/> is thrown.
    /// </param>
    public async Task<Source> WriteAsync(ParsedFile file, string sha256, IProgress<ImportProgress>? progress, SearchSync.ImportSession? documents, CancellationToken cancellationToken,
        Func<CancellationToken, Task<Source?>>? alreadyImported = null)
    {
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var strategy = db.Database.CreateExecutionStrategy();
            return await strategy.ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (alreadyImported is not null && await alreadyImported(ct) is { } existing)
                {
                    throw new ContentAlreadyImportedException(existing);
                }
                var source = new Source
                {
                    Kind = file.SyntheticSeed is null ? SourceKind.File : SourceKind.Synthetic,
                    Format = ImportFormatSpec.Of(file.Format).Name,
                    FileName = file.FileName,
                    ContentSha256 = sha256,
                    Section = SectionOf(file),
                    SyntheticSeed = file.SyntheticSeed,
                    ImportedAt = DateTimeOffset.UtcNow,
                    RowCount = file.RowCount,
                };
                await AddAsync([source], ct);

                var jurisdictions = await ResolveJurisdictionsAsync(file, source, ct);
                var facilities = await ResolveFacilitiesAsync(file, source, jurisdictions, ct);
                await EnsureWeeksAsync(file, ct);
                await WriteReportsAsync(file, source, ct);
                await WriteSectionOneAsync(file, source, jurisdictions, ct);
                await WriteCorrectionsAsync(file, source, ct);
                await WritePoliciesAsync(file, source, jurisdictions, ct);
                await WriteDetainersAsync(file, source, jurisdictions, facilities, progress, documents, ct);
                // The search documents owed, committed with the data or not at all (see SearchOutboxEntry).
                if (file.Detainers.Count > 0)
                {
                    await AddAsync([new SearchOutboxEntry { SourceId = source.Id, CreatedAt = DateTimeOffset.UtcNow }], ct);
                }

                // A stop before this point rolls the file back. The commit itself is not abandoned: EF Core refuses a
                // commit whose token is already cancelled and logs it as a transaction failure, for what is a rollback.
                ct.ThrowIfCancellationRequested();
                await transaction.CommitAsync(CancellationToken.None);
                return source;
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && cancellationToken.IsCancellationRequested && SqliteInterrupt.IsInterrupt(e))
        {
            // A cancellation stops a SQLite statement in flight by interrupting it (SqliteInterrupt: the index rebuild,
            // say, while the rollup groups are counted beside it), and the statement fails with SQLITE_INTERRUPT. That is
            // this import's cancellation, whichever statement it stopped: the transaction is rolled back, and the caller
            // is told it was cancelled rather than that the database failed.
            throw new OperationCanceledException("The import was cancelled; nothing of it was written.", e, cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private static string SectionOf(ParsedFile file) => file.Format switch
    {
        ImportFormat.DdorSectionTwo => "DDOR Section II",
        ImportFormat.DdorSectionOne => "DDOR Section I",
        ImportFormat.DdorSectionThree => "DDOR Section III",
        ImportFormat.DdorReports => "DDOR reports",
        ImportFormat.Corrections => "Corrections to DDOR Section I",
        ImportFormat.FoiaDetainers => "ICE FOIA detainer records",
        ImportFormat.JailBookings => "Jail bookings with an ICE detainer",
        ImportFormat.Detainers => file.SyntheticSeed is { } seed ? $"Synthetic detainers (generate --seed {seed})" : "Detainer records",
        _ => file.Format.ToString(),
    };

    private async Task<Dictionary<(string, string), int>> ResolveJurisdictionsAsync(ParsedFile file, Source source, CancellationToken ct)
    {
        // Each named jurisdiction at its first line. The readers share one instance among the rows that name the
        // same jurisdiction, so most repeats are dropped by reference here; the rest are matched by name below.
        var named = FirstOfEach(
            file.Detainers.Where(d => d.Jurisdiction is not null).Select(d => (d.Jurisdiction!, d.Line))
                .Concat(file.SectionOne.Select(e => (e.Jurisdiction, e.Line)))
                .Concat(file.Policies.Select(p => (p.Jurisdiction, p.Line))));
        var byKey = new Dictionary<(string, string), Jurisdiction>(NameKeyComparer.Instance);
        if (named.Count == 0)
        {
            return [];
        }
        var states = named.Select(n => n.Ref.State).Distinct().ToList();
        foreach (var existing in await db.Jurisdictions.Where(j => states.Contains(j.State)).ToListAsync(ct))
        {
            byKey.TryAdd((existing.State, existing.Name), existing);
        }
        var added = new List<Jurisdiction>();
        foreach (var (named1, line) in named)
        {
            if (byKey.TryGetValue((named1.State, named1.Name), out var known))
            {
                // Only unknowns are filled in: a published value is never replaced.
                if (known.FieldOffice is null && named1.FieldOffice is not null)
                {
                    known.FieldOffice = named1.FieldOffice;
                    db.Entry(known).Property(j => j.FieldOffice).IsModified = true;
                }
                continue;
            }
            var created = new Jurisdiction
            {
                Name = named1.Name,
                State = named1.State,
                Kind = named1.Kind,
                Fips = named1.Kind == JurisdictionKind.County ? reference.FipsOf(named1.State, named1.Name) : null,
                FieldOffice = named1.FieldOffice,
                SourceId = source.Id,
                SourceLine = line,
            };
            added.Add(created);
            byKey[(named1.State, named1.Name)] = created;
        }
        await AddAsync(added, ct);
        foreach (var jurisdiction in byKey.Values)
        {
            _jurisdictionNames[jurisdiction.Id] = (jurisdiction.State, jurisdiction.Name);
            _jurisdictionRegions[jurisdiction.Id] = (jurisdiction.State, jurisdiction.FieldOffice);
        }
        return byKey.ToDictionary(p => p.Key, p => p.Value.Id, NameKeyComparer.Instance);
    }

    private async Task<Dictionary<(string, string, string), int>> ResolveFacilitiesAsync(
        ParsedFile file, Source source, Dictionary<(string, string), int> jurisdictions, CancellationToken ct)
    {
        var named = FirstOfEach(file.Detainers.Where(d => d.Facility is not null).Select(d => (d.Facility!, d.Line)));
        var byKey = new Dictionary<(string, string, string), Facility>(FacilityKeyComparer.Instance);
        if (named.Count == 0)
        {
            return [];
        }
        var states = named.Select(n => n.Ref.State).Distinct().ToList();
        foreach (var existing in await db.Facilities.Where(f => states.Contains(f.State)).ToListAsync(ct))
        {
            byKey.TryAdd((existing.State, existing.Name, existing.City ?? ""), existing);
        }
        var added = new List<Facility>();
        foreach (var (facility, line) in named)
        {
            var key = (facility.State, facility.Name, facility.City ?? "");
            if (byKey.ContainsKey(key))
            {
                continue;
            }
            var created = new Facility
            {
                Name = facility.Name,
                City = facility.City,
                State = facility.State,
                JurisdictionId = facility.Jurisdiction is { } j ? jurisdictions[(j.State, j.Name)] : null,
                SourceId = source.Id,
                SourceLine = line,
            };
            added.Add(created);
            byKey[key] = created;
        }
        await AddAsync(added, ct);
        return byKey.ToDictionary(p => p.Key, p => p.Value.Id, FacilityKeyComparer.Instance);
    }

    /// <summary>The first (reference, line) of each distinct reference, in order.</summary>
    private static List<(T Ref, int Line)> FirstOfEach<T>(IEnumerable<(T Ref, int Line)> named)
        where T : class
    {
        var seen = new HashSet<T>(ReferenceEqualityComparer.Instance);
        return [.. named.Where(n => seen.Add(n.Ref))];
    }

    private async Task EnsureWeeksAsync(ParsedFile file, CancellationToken ct)
    {
        var starts = file.Detainers.Where(d => d.WeekStart is not null).Select(d => d.WeekStart!.Value)
            .Concat(file.SectionOne.Select(e => e.WeekStart))
            .Concat(file.Reports.Select(r => r.WeekStart))
            .ToHashSet();
        if (starts.Count == 0)
        {
            return;
        }
        var existing = (await db.Weeks.Select(w => w.Start).ToListAsync(ct)).ToHashSet();
        await AddAsync([.. starts.Where(s => !existing.Contains(s)).Select(Week.Starting)], ct);
    }

    /// <summary>
    /// New rows of one reference table (the source, jurisdictions, facilities, weeks, the outbox row), saved with the
    /// changes already tracked (a jurisdiction's field office filled in). On SQLite the rows go through the bulk
    /// inserter (columns, conversions and generated keys from the same EF Core model, the keys read back into the
    /// entities): EF Core's first save in a process compiles its whole update pipeline, about 1,200 methods, on the
    /// import's one thread before its rows. Elsewhere (SQL Server) by <c>SaveChanges</c>, as the other tables.
    /// </summary>
    private async Task AddAsync<T>(IReadOnlyCollection<T> rows, CancellationToken ct)
        where T : class
    {
        if (!db.Database.IsSqlite())
        {
            db.Set<T>().AddRange(rows);
            await db.SaveChangesAsync(ct);
            return;
        }
        if (rows.Count > 0)
        {
            using var inserter = new SqliteBulkInserter<T>(db);
            foreach (var row in rows)
            {
                inserter.Insert(row);
            }
        }
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task WriteReportsAsync(ParsedFile file, Source source, CancellationToken ct)
    {
        if (file.Reports.Count == 0)
        {
            return;
        }
        var numbers = file.Reports.Select(r => r.Number).ToList();
        var starts = file.Reports.Select(r => r.WeekStart).ToList();
        var clashes = await db.Reports.Where(r => numbers.Contains(r.Number) || starts.Contains(r.WeekStart)).ToListAsync(ct);
        var errors = new List<ImportError>();
        foreach (var row in file.Reports)
        {
            if (clashes.FirstOrDefault(r => r.Number == row.Number || r.WeekStart == row.WeekStart) is { } clash)
            {
                errors.Add(new ImportError(file.FileName, row.Line, "report_number", row.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"a report not already imported (report {clash.Number} for week {clash.WeekStart:yyyy-MM-dd} came from source {clash.SourceId})"));
            }
        }
        foreach (var duplicate in file.Reports.GroupBy(r => r.Number).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)))
        {
            errors.Add(new ImportError(file.FileName, duplicate.Line, "report_number", duplicate.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "a report number not already used in this file"));
        }
        ThrowIfAny(file, errors);
        db.Reports.AddRange(file.Reports.Select(r => new Report
        {
            Number = r.Number,
            WeekStart = r.WeekStart,
            PublishedOn = r.PublishedOn,
            DetainersIssuedNationwide = r.DetainersIssuedNationwide,
            SourceId = source.Id,
            SourceLine = r.Line,
        }));
        await db.SaveChangesAsync(ct);
    }

    private async Task WriteSectionOneAsync(ParsedFile file, Source source, Dictionary<(string, string), int> jurisdictions, CancellationToken ct)
    {
        if (file.SectionOne.Count == 0)
        {
            return;
        }
        db.SectionOneEntries.AddRange(file.SectionOne.Select(e => new SectionOneEntry
        {
            WeekStart = e.WeekStart,
            Rank = e.Rank,
            JurisdictionId = jurisdictions[(e.Jurisdiction.State, e.Jurisdiction.Name)],
            DetainersIssued = e.DetainersIssued,
            SourceNotes = e.Notes,
            SourceId = source.Id,
            SourceLine = e.Line,
        }));
        await db.SaveChangesAsync(ct);
    }

    private async Task WriteCorrectionsAsync(ParsedFile file, Source source, CancellationToken ct)
    {
        if (file.Corrections.Count == 0)
        {
            return;
        }
        var weeks = file.Corrections.Select(c => c.WeekStart).Distinct().ToList();
        var entries = await db.SectionOneEntries.AsNoTracking()
            .Where(e => weeks.Contains(e.WeekStart))
            .Select(e => new { e.Id, e.WeekStart, e.Rank, e.Jurisdiction.State, e.Jurisdiction.Name })
            .ToListAsync(ct);
        var errors = new List<ImportError>();
        foreach (var row in file.Corrections)
        {
            var targets = entries.Where(e => e.WeekStart == row.WeekStart && e.Rank == row.Rank
                && string.Equals(e.State, row.State, StringComparison.OrdinalIgnoreCase)
                && string.Equals(e.Name, row.County, StringComparison.OrdinalIgnoreCase)).ToList();
            if (targets.Count != 1)
            {
                errors.Add(new ImportError(file.FileName, row.Line, "rank", row.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"an imported Section I entry for {row.County}, {row.State} at this rank in week {row.WeekStart:yyyy-MM-dd} (import Section I first)"));
                continue;
            }
            db.Corrections.Add(new Correction
            {
                Target = CorrectionTarget.SectionOneEntry,
                SectionOneEntryId = targets[0].Id,
                Field = row.Field,
                OldValue = row.OldValue,
                NewValue = row.NewValue,
                CorrectedOn = row.CorrectedOn,
                Reason = row.Reason,
                Authority = row.Authority,
                SourceId = source.Id,
                SourceLine = row.Line,
            });
        }
        ThrowIfAny(file, errors);
        await db.SaveChangesAsync(ct);
    }

    private async Task WritePoliciesAsync(ParsedFile file, Source source, Dictionary<(string, string), int> jurisdictions, CancellationToken ct)
    {
        if (file.Policies.Count == 0)
        {
            return;
        }
        db.Policies.AddRange(file.Policies.Select(p => new Policy
        {
            JurisdictionId = jurisdictions[(p.Jurisdiction.State, p.Jurisdiction.Name)],
            DateEnactedAsPublished = p.DateEnacted,
            EnactedOn = p.EnactedOn,
            Name = p.Name,
            CriteriaForHonoringDetainers = p.Criteria,
            SourceId = source.Id,
            SourceLine = p.Line,
        }));
        await db.SaveChangesAsync(ct);
    }

    private async Task WriteDetainersAsync(
        ParsedFile file,
        Source source,
        Dictionary<(string, string), int> jurisdictions,
        Dictionary<(string, string, string), int> facilities,
        IProgress<ImportProgress>? progress,
        SearchSync.ImportSession? documents,
        CancellationToken ct)
    {
        // Each distinct (file code, charge text) classified once: a real file repeats a few thousand texts.
        var classified = new BoundedCache<(string? Code, string Text), (string? Code, string? Category)>(MaxCachedKeys);
        var bulk = db.Database.IsSqlite();
        if (documents is not null && !bulk)
        {
            // Only the bulk path knows the keys before SaveChanges; the caller indexes after the commit instead.
            throw new InvalidOperationException("Search documents are made during the write on SQLite only.");
        }
        await using var cache = bulk ? await SqliteImportCache.EnlargeAsync(db, ct) : null;
        // Before the inserters are prepared: their statements then never see the indexes.
        var deferred = bulk && SqliteDeferredIndexes.Worthwhile(await db.Detainers.LongCountAsync(ct), file.Detainers.Count, DeferIndexesFrom)
            ? await SqliteDeferredIndexes.DropAsync(db, ct)
            : null;
        // The rollup triggers the deferral below switches off are dropped too (see SqliteDeferredTriggers): their mere
        // presence gives every detainer insert a statement journal.
        var triggers = bulk && file.Detainers.Count >= DeferIndexesFrom ? await SqliteDeferredTriggers.DropAsync(db, ct) : null;
        using var detainerInserter = bulk ? new SqliteBulkInserter<Detainer>(db) : null;
        using var chargeInserter = bulk ? new SqliteBulkInserter<Charge>(db) : null;
        // SQL Server path: SqlBulkCopy in the same transaction; the database assigns the keys (see CopyChunkAsync).
        var copiers = db.Database.IsSqlServer() ? (new SqlServerBulkCopier<Detainer>(db), new SqlServerBulkCopier<Charge>(db)) : default((SqlServerBulkCopier<Detainer>, SqlServerBulkCopier<Charge>)?);
        // SQLite path: keys are assigned here, inside the transaction that holds the write lock.
        var nextDetainerId = bulk ? await db.Detainers.MaxAsync(d => (long?)d.Id, ct) ?? 0 : 0;
        var nextChargeId = bulk ? await db.Charges.MaxAsync(c => (long?)c.Id, ct) ?? 0 : 0;
        if (bulk)
        {
            // The count rollups: the new rows' groups added once at the end (see CountRollupGroups) instead of a trigger per row.
            await DetainerCountRollup.DeferForBulkInsertAsync(db, ct);
        }
        var keys = new RowKeys(jurisdictions, facilities);
        // Each written detainer's rollup group counted as it is written (SQLite), so that no row is read after its chunk.
        var groups = bulk ? new SourceRollupGroups(db.Model) : null;
        var done = 0;
        for (var start = 0; start < file.Detainers.Count; start += ChunkSize)
        {
            var chunk = file.Detainers.GetRange(start, Math.Min(ChunkSize, file.Detainers.Count - start));
            var chunkDocuments = documents is null ? null : new List<ChargeDocument>(Math.Min(chunk.Count * 2, DocumentBatchSize));
            var chunkDetainers = new List<Detainer>(copiers is null ? 0 : chunk.Count);
            foreach (var row in chunk)
            {
                var detainer = new Detainer
                {
                    IssuedOn = row.IssuedOn,
                    IssuedOnOrAfter = row.IssuedOnOrAfter,
                    PlaceOfBirth = row.PlaceOfBirth,
                    JurisdictionResolution = row.Jurisdiction is null ? JurisdictionResolution.Unresolved : row.JurisdictionResolution,
                    JurisdictionRule = row.JurisdictionRule,
                    IsSynthetic = source.Kind == SourceKind.Synthetic,
                    DetainerType = row.DetainerType,
                    DetainerTypeAsPublished = row.DetainerTypeAsPublished,
                    Outcome = row.Outcome,
                    OutcomeAsPublished = row.OutcomeAsPublished,
                    OutcomeRecordedOn = row.OutcomeRecordedOn,
                    WeekStart = row.WeekStart,
                    Citizenship = row.Citizenship,
                    JurisdictionId = keys.Jurisdiction(row.Jurisdiction),
                    FacilityId = keys.Facility(row.Facility),
                    SourceUrl = row.SourceUrl,
                    SourceId = source.Id,
                    SourceLine = row.Line,
                };
                if (bulk)
                {
                    detainer.Id = ++nextDetainerId;
                    detainerInserter!.Insert(detainer);
                    groups!.Add(RollupKeyOf(detainer));
                }
                var ordinal = 0;
                foreach (var charge in row.Charges)
                {
                    // Keyed by code and text together: a charge whose text is "5404" is not the charge coded 5404.
                    var classification = classified.GetOrAdd((charge.NcicCode, charge.Description), reference,
                        static (key, reference) => reference.ClassifyStoredCharge(key.Text, key.Code));
                    var written = new Charge
                    {
                        Description = charge.Description,
                        Status = charge.Status,
                        NcicCode = classification.Code,
                        Category = classification.Category,
                        Ordinal = ++ordinal,
                    };
                    if (!bulk)
                    {
                        detainer.Charges.Add(written);
                        continue;
                    }
                    // Inserted as made, not kept on the detainer: the write holds no more of a detainer's charges than
                    // of a chunk's, however many charge rows the one detainer has.
                    written.Id = ++nextChargeId;
                    written.DetainerId = detainer.Id;
                    chargeInserter!.Insert(written);
                    if (chunkDocuments is not null)
                    {
                        chunkDocuments.Add(ChargeDocuments.OfWritten(detainer, written, detainer.JurisdictionId is { } id ? _jurisdictionNames[id] : null));
                        if (chunkDocuments.Count == DocumentBatchSize)
                        {
                            await documents!.AddAsync(chunkDocuments, ct);
                            chunkDocuments = new List<ChargeDocument>(DocumentBatchSize);
                        }
                    }
                }
                if (bulk)
                {
                    continue;
                }
                if (copiers is not null)
                {
                    chunkDetainers.Add(detainer);
                }
                else
                {
                    db.Detainers.Add(detainer);
                }
            }
            if (copiers is { } copy)
            {
                await CopyChunkAsync(copy.Item1, copy.Item2, source, chunkDetainers, ct);
            }
            else if (!bulk)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
            if (chunkDocuments is { Count: > 0 })
            {
                await documents!.AddAsync(chunkDocuments, ct);
            }
            ct.ThrowIfCancellationRequested();
            done += chunk.Count;
            progress?.Report(new ImportProgress(file.FileName, done, file.Detainers.Count));
            if (bulk)
            {
                // Written and counted: the chunk's rows are let go (see ParsedFile.ReleaseDetainers). Only here: SQLite's
                // execution strategy never retries, where another provider's might run the write again from the rows.
                file.ReleaseDetainers(start, chunk.Count);
            }
        }
        // The index's commit is prepared while the database rebuilds its indexes, sums its rollups and commits.
        documents?.CompleteAdding();
        if (!bulk)
        {
            return;
        }
        // The rollup groups (counted as the rows were written) are sorted and summed for the totals and the coarse rollups on
        // another thread meanwhile: the rebuild keeps one core busy, the other is then idle.
        var counting = Task.Run(() =>
        {
            WhileCountingRollupGroups?.Invoke();
            groups!.Sort(ct);
            groups.Summarize(_jurisdictionRegions, ct);
        }, ct);
        try
        {
            if (deferred is not null)
            {
                await deferred.RebuildAsync(db, ct);
                RebuiltIndexes = deferred.Dropped;
            }
            if (triggers is not null)
            {
                await triggers.RestoreAsync(db, ct);
                RestoredTriggers = triggers.Dropped;
            }
        }
        catch (Exception)
        {
            // The sort reads the counted groups only; it is waited for (its own failure observed and dropped: the rebuild's
            // is the one reported) so that nothing of a failed import keeps running after it.
            await counting.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        await counting;
        await DetainerCountRollup.AddImportedSourceAsync(db, source.Id, source.Kind == SourceKind.Synthetic, groups!, ct);
    }

    /// <summary>The <see cref="DetainerCount"/> group of a detainer as written (its keys are the write's own).</summary>
    private static SourceRollupKey RollupKeyOf(Detainer detainer) => new(
        detainer.JurisdictionId,
        detainer.FacilityId,
        detainer.WeekStart,
        detainer.Outcome,
        detainer.DetainerType,
        detainer.Citizenship,
        SourceRollupKey.MonthOf(detainer.IssuedOn),
        SourceRollupKey.MonthOf(detainer.OutcomeRecordedOn));

    /// <summary>
    /// The keys the write gave the rows' jurisdictions and facilities: by the readers' shared instances first (a reference
    /// lookup), by name otherwise. Its caches are its own (not thread-safe).
    /// </summary>
    private sealed class RowKeys(Dictionary<(string, string), int> jurisdictions, Dictionary<(string, string, string), int> facilities)
    {
        private readonly BoundedCache<JurisdictionRef, int> _jurisdictions = new(MaxCachedKeys, ReferenceEqualityComparer.Instance);
        private readonly BoundedCache<FacilityRef, int> _facilities = new(MaxCachedKeys, ReferenceEqualityComparer.Instance);

        public int? Jurisdiction(JurisdictionRef? j) =>
            j is null ? null : _jurisdictions.GetOrAdd(j, jurisdictions, static (j, byName) => byName[(j.State, j.Name)]);

        public int? Facility(FacilityRef? f) =>
            f is null ? null : _facilities.GetOrAdd(f, facilities, static (f, byName) => byName[(f.State, f.Name, f.City ?? "")]);
    }

    /// <summary>
    /// Writes one chunk on SQL Server: its detainers by bulk copy, then their keys, read back by the unique
    /// (SourceId, SourceLine) index, then their charges by bulk copy. No key is guessed, so concurrent imports
    /// cannot collide; the transaction makes the file all-or-nothing.
    /// </summary>
    private async Task CopyChunkAsync(SqlServerBulkCopier<Detainer> detainers, SqlServerBulkCopier<Charge> charges, Source source, List<Detainer> chunk, CancellationToken ct)
    {
        await detainers.WriteAsync(chunk, ct);
        var first = chunk.Min(d => d.SourceLine);
        var last = chunk.Max(d => d.SourceLine);
        var keys = await DetainerKeysAsync(db, source.Id, first, last, ct);
        var chunkCharges = new List<Charge>(chunk.Count * 2);
        foreach (var detainer in chunk)
        {
            detainer.Id = keys[detainer.SourceLine];
            foreach (var charge in detainer.Charges)
            {
                charge.DetainerId = detainer.Id;
                chunkCharges.Add(charge);
            }
        }
        await charges.WriteAsync(chunkCharges, ct);
    }

    /// <summary>The keys SQL Server gave a source's detainers on lines <paramref name="first"/> to <paramref name="last"/>, by line.</summary>
    internal static Task<Dictionary<int, long>> DetainerKeysAsync(DetainerDbContext db, int sourceId, int first, int last, CancellationToken ct) =>
        db.Detainers
            .Where(d => d.SourceId == sourceId && d.SourceLine >= first && d.SourceLine <= last)
            .Select(d => new { d.Id, d.SourceLine })
            .ToDictionaryAsync(d => d.SourceLine, d => d.Id, ct);

    private static void ThrowIfAny(ParsedFile file, List<ImportError> errors)
    {
        if (errors.Count > 0)
        {
            throw new ImportRejectedException(file.FileName, errors);
        }
    }

    private sealed class NameKeyComparer : IEqualityComparer<(string, string)>
    {
        public static readonly NameKeyComparer Instance = new();

        public bool Equals((string, string) x, (string, string) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Item1, y.Item1) && StringComparer.OrdinalIgnoreCase.Equals(x.Item2, y.Item2);

        public int GetHashCode((string, string) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2));
    }

    private sealed class FacilityKeyComparer : IEqualityComparer<(string, string, string)>
    {
        public static readonly FacilityKeyComparer Instance = new();

        public bool Equals((string, string, string) x, (string, string, string) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Item1, y.Item1) && StringComparer.OrdinalIgnoreCase.Equals(x.Item2, y.Item2)
            && StringComparer.OrdinalIgnoreCase.Equals(x.Item3, y.Item3);

        public int GetHashCode((string, string, string) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2),
                StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item3));
    }
}
