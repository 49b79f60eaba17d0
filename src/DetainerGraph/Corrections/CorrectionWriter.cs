using System.Data;
using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Operability;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using GraphQL;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Corrections;

/// <summary>What an editor asked to change; <see cref="NewValue"/> is text in the field's format (see <see cref="DetainerField"/>).</summary>
public sealed record CorrectionRequest(string? NewValue, string Reason, string Authority, string? IdempotencyKey);

/// <summary>The record as it is after the write, and the correction that says what changed.</summary>
public sealed record CorrectionResult<T>(T Record, Correction Correction);

/// <summary>
/// The only writes of the API. How corrected values work: the record's own columns are the current values
/// (materialized, updated in the write's transaction), so every read, filter, sort, count and search sees
/// the corrected value with no extra cost; the value as published is kept in the first applied correction
/// of each field (its <see cref="Correction.OldValue"/>), which is never changed or deleted. Each write runs
/// in one serializable transaction: the record, the appended correction and a search outbox row for the
/// touched detainer commit together or not at all.
/// </summary>
public sealed class CorrectionWriter(DetainerDbContext db, ReferenceData reference, SearchSync search, TimeProvider clock, CorrectionAudit audit)
{
    // The columns' lengths in the model (what SQL Server enforces), so a write SQLite would take is never refused later.
    private int MaxReason => db.Model.MaxLength((Correction c) => c.Reason);
    private int MaxAuthority => db.Model.MaxLength((Correction c) => c.Authority);
    private int MaxKey => db.Model.MaxLength((Correction c) => c.IdempotencyKey);
    private int MaxEditor => db.Model.MaxLength((Correction c) => c.Editor);
    private int MaxDescription => db.Model.MaxLength((Charge c) => c.Description);
    private int MaxCitizenship => db.Model.MaxLength((Detainer d) => d.Citizenship);

    public Task<CorrectionResult<Detainer>> CorrectDetainerAsync(long id, DetainerField field, long? chargeId, CorrectionRequest request, string editor, CancellationToken ct) =>
        WriteAsync("correctDetainer", request, editor,
            async () => await db.Detainers.AsTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw NotFound("detainer"),
            async detainer =>
            {
                RefuseSynthetic(detainer);
                if (detainer.Retracted)
                {
                    throw Error("RECORD_RETRACTED", "The detainer is retracted; it can no longer be corrected.");
                }
                var (old, @new, charge) = await ApplyAsync(detainer, field, chargeId, request.NewValue, ct);
                return NewCorrection(CorrectionTarget.Detainer, CorrectionValues.FieldName(field), old, @new, request, editor, d =>
                {
                    d.DetainerId = detainer.Id;
                    d.ChargeId = charge?.Id;
                });
            },
            detainer => detainer.Id,
            (detainer, correction) => correction.DetainerId == detainer.Id && correction.ChargeId == chargeId
                && Replays(correction, CorrectionTarget.Detainer, CorrectionValues.FieldName(field), CorrectionValues.Normalize(field, request.NewValue), request),
            ct);

    public Task<CorrectionResult<Detainer>> RetractDetainerAsync(long id, CorrectionRequest request, string editor, CancellationToken ct) =>
        SetDetainerRetractedAsync(id, retracted: true, request, editor, ct);

    /// <summary>
    /// Undoes a retraction made in error: the detainer is listed, counted and searchable again. Appended as a correction of
    /// <c>retracted</c> from true to false, so the history keeps the retraction and says who undid it and why.
    /// </summary>
    public Task<CorrectionResult<Detainer>> RestoreDetainerAsync(long id, CorrectionRequest request, string editor, CancellationToken ct) =>
        SetDetainerRetractedAsync(id, retracted: false, request, editor, ct);

    /// <summary>A retraction (<paramref name="retracted"/> true) or its undoing, as a correction of the <c>retracted</c> flag.</summary>
    private Task<CorrectionResult<Detainer>> SetDetainerRetractedAsync(long id, bool retracted, CorrectionRequest request, string editor, CancellationToken ct) =>
        WriteAsync(retracted ? "retractDetainer" : "restoreDetainer", request, editor,
            async () => await db.Detainers.AsTracking().FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw NotFound("detainer"),
            detainer =>
            {
                RefuseSynthetic(detainer);
                detainer.Retracted = Flip(detainer.Retracted, retracted, "detainer");
                return Task.FromResult(NewCorrection(CorrectionTarget.Detainer, CorrectionValues.Retracted, Flag(!retracted), Flag(retracted), request, editor, c => c.DetainerId = detainer.Id));
            },
            detainer => detainer.Id,
            (detainer, correction) => correction.DetainerId == detainer.Id && correction.ChargeId is null
                && Replays(correction, CorrectionTarget.Detainer, CorrectionValues.Retracted, Flag(retracted), request),
            ct);

    /// <summary><paramref name="to"/>, when the record's flag is not already that: else ALREADY_RETRACTED or NOT_RETRACTED.</summary>
    private static bool Flip(bool current, bool to, string record) => current != to ? to
        : throw (to ? Error("ALREADY_RETRACTED", $"The {record} is already retracted.") : Error("NOT_RETRACTED", $"The {record} is not retracted: there is nothing to restore."));

    /// <summary>The <c>retracted</c> flag as a correction records it.</summary>
    private static string Flag(bool retracted) => retracted ? "true" : "false";

    public Task<CorrectionResult<SectionOneEntry>> CorrectSectionOneEntryAsync(int id, SectionOneEntryField field, CorrectionRequest request, string editor, CancellationToken ct) =>
        WriteAsync("correctSectionOneEntry", request, editor,
            async () => await db.SectionOneEntries.AsTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound("Section I entry"),
            async entry =>
            {
                if (entry.Retracted)
                {
                    throw Error("RECORD_RETRACTED", "The Section I entry is retracted; it can no longer be corrected.");
                }
                var (old, @new) = await ApplyAsync(entry, field, request.NewValue, ct);
                return NewCorrection(CorrectionTarget.SectionOneEntry, CorrectionValues.FieldName(field), old, @new, request, editor, c => c.SectionOneEntryId = entry.Id);
            },
            _ => null,
            (entry, correction) => correction.SectionOneEntryId == entry.Id
                && Replays(correction, CorrectionTarget.SectionOneEntry, CorrectionValues.FieldName(field), CorrectionValues.Normalize(field, request.NewValue), request),
            ct);

    public Task<CorrectionResult<SectionOneEntry>> RetractSectionOneEntryAsync(int id, CorrectionRequest request, string editor, CancellationToken ct) =>
        SetSectionOneEntryRetractedAsync(id, retracted: true, request, editor, ct);

    /// <summary>Undoes a retraction of a Section I entry made in error, as <see cref="RestoreDetainerAsync"/> does for a detainer.</summary>
    public Task<CorrectionResult<SectionOneEntry>> RestoreSectionOneEntryAsync(int id, CorrectionRequest request, string editor, CancellationToken ct) =>
        SetSectionOneEntryRetractedAsync(id, retracted: false, request, editor, ct);

    private Task<CorrectionResult<SectionOneEntry>> SetSectionOneEntryRetractedAsync(int id, bool retracted, CorrectionRequest request, string editor, CancellationToken ct) =>
        WriteAsync(retracted ? "retractSectionOneEntry" : "restoreSectionOneEntry", request, editor,
            async () => await db.SectionOneEntries.AsTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound("Section I entry"),
            entry =>
            {
                entry.Retracted = Flip(entry.Retracted, retracted, "Section I entry");
                return Task.FromResult(NewCorrection(CorrectionTarget.SectionOneEntry, CorrectionValues.Retracted, Flag(!retracted), Flag(retracted), request, editor, c => c.SectionOneEntryId = entry.Id));
            },
            _ => null,
            (entry, correction) => correction.SectionOneEntryId == entry.Id
                && Replays(correction, CorrectionTarget.SectionOneEntry, CorrectionValues.Retracted, Flag(retracted), request),
            ct);

    /// <summary>
    /// Whether <paramref name="earlier"/> is what this request would have appended: the same target, field, value (as
    /// stored, so "lifted" replays "LIFTED"), reason and source. The record and charge are compared by the caller.
    /// A value that does not parse (<see cref="CorrectionValues.Invalid"/>) never matches.
    /// </summary>
    private static bool Replays(Correction earlier, CorrectionTarget target, string field, string? newValue, CorrectionRequest request) =>
        earlier.Target == target
        && earlier.Field == field
        && !ReferenceEquals(newValue, CorrectionValues.Invalid)
        && string.Equals(earlier.NewValue, newValue, StringComparison.Ordinal)
        && earlier.Reason == request.Reason.Trim()
        && earlier.Authority == request.Authority.Trim();

    /// <summary>
    /// The shape every write shares: check the request, open the transaction, answer a replayed key with its
    /// first result (only when the request is the same one: the key with another record, field, value, reason or
    /// source is IDEMPOTENCY_KEY_REUSED), load the record, change it, append the correction and the outbox row,
    /// commit, audit-log the committed correction, then index the detainer's documents (left to the outbox worker
    /// if the engine fails: the write stands). From the commit on, nothing takes the request's token: a client
    /// that leaves after the commit cannot stop the audit line or the indexing.
    /// </summary>
    private async Task<CorrectionResult<T>> WriteAsync<T>(
        string action,
        CorrectionRequest request,
        string editor,
        Func<Task<T>> load,
        Func<T, Task<Correction>> apply,
        Func<T, long?> detainerToIndex,
        Func<T, Correction, bool> isReplayOf,
        CancellationToken ct)
        where T : class
    {
        Validate(request);
        if (editor.Length > MaxEditor)
        {
            throw Error("AUTH_INVALID_TOKEN", $"The token's name is longer than {MaxEditor} characters, the most a correction records: mint a token with a shorter --name.");
        }
        Correction correction;
        T record;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
            if (request.IdempotencyKey is { } key
                && await db.Corrections.FirstOrDefaultAsync(c => c.Editor == editor && c.IdempotencyKey == key, ct) is { } earlier)
            {
                var same = await load();
                return isReplayOf(same, earlier)
                    ? new CorrectionResult<T>(same, earlier)
                    : throw Error("IDEMPOTENCY_KEY_REUSED",
                        $"The key '{key}' was already used for a different correction (another record, field, value, reason or source): use a new key for each correction.");
            }
            record = await load();
            correction = await apply(record);
            db.Corrections.Add(correction);
            if (detainerToIndex(record) is { } detainerId)
            {
                db.SearchOutbox.Add(new SearchOutboxEntry { DetainerId = detainerId, CreatedAt = clock.GetUtcNow() });
            }
            await db.SaveChangesAsync(ct);
            // Not cancellable: once the commit is sent it may land, and then it must be audit-logged.
            await transaction.CommitAsync(CancellationToken.None);
        }
        finally
        {
            // Several mutations of one request share the context: a refused one must leave nothing tracked.
            db.ChangeTracker.Clear();
        }
        audit.Applied(editor, action, correction);
        if (detainerToIndex(record) is not null)
        {
            // Bounded work (one detainer's charges); a failure leaves it to the outbox worker.
            await search.IndexOwedNowAsync(db, CancellationToken.None);
        }
        return new CorrectionResult<T>(record, correction);
    }

    private async Task<(string? Old, string? New, Charge? Charge)> ApplyAsync(Detainer detainer, DetainerField field, long? chargeId, string? value, CancellationToken ct)
    {
        if (field is DetainerField.ChargeDescription or DetainerField.ChargeStatus)
        {
            if (chargeId is not { } id)
            {
                throw Error("CHARGE_ID_REQUIRED", $"Correcting {CorrectionValues.Enum(field)} needs `chargeId`: the charge to correct.");
            }
            var charge = await db.Charges.AsTracking().FirstOrDefaultAsync(c => c.Id == id && c.DetainerId == detainer.Id, ct)
                ?? throw Error("NOT_FOUND", "The detainer has no charge with this `chargeId`.");
            if (field == DetainerField.ChargeDescription)
            {
                var text = RequiredText(value, MaxDescription);
                var old = charge.Description;
                charge.Description = text;
                (charge.NcicCode, charge.Category) = reference.ClassifyStoredCharge(text, fileCode: null);
                return Changed(old, text, charge);
            }
            var status = CorrectionValues.ParseEnum<ChargeStatus>(Required(value))
                ?? throw Invalid($"'{value}' is not a charge status: use CHARGE or CONVICTION.");
            var oldStatus = CorrectionValues.Enum(charge.Status);
            charge.Status = status;
            return Changed(oldStatus, CorrectionValues.Enum(status), charge);
        }
        if (chargeId is not null)
        {
            throw Invalid($"`chargeId` is only for charge fields, not {CorrectionValues.Enum(field)}.");
        }
        switch (field)
        {
            case DetainerField.Outcome:
                {
                    var outcome = CorrectionValues.ParseEnum<DetainerOutcome>(Required(value))
                        ?? throw Invalid($"'{value}' is not a detainer outcome: use a DetainerOutcome name such as DECLINED_BY_LEA.");
                    var old = CorrectionValues.Enum(detainer.Outcome);
                    detainer.Outcome = outcome;
                    return Changed(old, CorrectionValues.Enum(outcome), null);
                }
            case DetainerField.IssuedOn:
                {
                    var old = CorrectionValues.Date(detainer.IssuedOn);
                    detainer.IssuedOn = OptionalDate(value);
                    return Changed(old, CorrectionValues.Date(detainer.IssuedOn), null);
                }
            case DetainerField.OutcomeRecordedOn:
                {
                    var old = CorrectionValues.Date(detainer.OutcomeRecordedOn);
                    detainer.OutcomeRecordedOn = OptionalDate(value);
                    return Changed(old, CorrectionValues.Date(detainer.OutcomeRecordedOn), null);
                }
            case DetainerField.Jurisdiction:
                {
                    var old = CorrectionValues.Reference("Jurisdiction", detainer.JurisdictionId);
                    detainer.JurisdictionId = value is null ? null : await ExistingAsync(db.Jurisdictions.Select(j => j.Id), "Jurisdiction", value, ct);
                    return Changed(old, CorrectionValues.Reference("Jurisdiction", detainer.JurisdictionId), null);
                }
            case DetainerField.Facility:
                {
                    var old = CorrectionValues.Reference("Facility", detainer.FacilityId);
                    detainer.FacilityId = value is null ? null : await ExistingAsync(db.Facilities.Select(f => f.Id), "Facility", value, ct);
                    return Changed(old, CorrectionValues.Reference("Facility", detainer.FacilityId), null);
                }
            case DetainerField.Citizenship:
                {
                    var old = detainer.Citizenship;
                    detainer.Citizenship = value is null ? null : RequiredText(value, MaxCitizenship);
                    return Changed(old, detainer.Citizenship, null);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }
    }

    private async Task<(string? Old, string? New)> ApplyAsync(SectionOneEntry entry, SectionOneEntryField field, string? value, CancellationToken ct)
    {
        switch (field)
        {
            case SectionOneEntryField.Jurisdiction:
                {
                    var old = CorrectionValues.Reference("Jurisdiction", entry.JurisdictionId);
                    entry.JurisdictionId = await ExistingAsync(db.Jurisdictions.Select(j => j.Id), "Jurisdiction", Required(value), ct);
                    return Pair(Changed(old, CorrectionValues.Reference("Jurisdiction", entry.JurisdictionId), null));
                }
            case SectionOneEntryField.DetainersIssued:
                {
                    var old = CorrectionValues.Number(entry.DetainersIssued);
                    entry.DetainersIssued = value is null ? null : CorrectionValues.ParseNumber(value) ?? throw Invalid($"'{value}' is not a whole number of detainers.");
                    return Pair(Changed(old, CorrectionValues.Number(entry.DetainersIssued), null));
                }
            case SectionOneEntryField.Rank:
                {
                    var old = CorrectionValues.Number(entry.Rank);
                    entry.Rank = CorrectionValues.ParseNumber(Required(value)) is { } rank and >= 1 ? rank : throw Invalid($"'{value}' is not a rank: a whole number from 1.");
                    return Pair(Changed(old, CorrectionValues.Number(entry.Rank), null));
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }

        static (string?, string?) Pair((string? Old, string? New, Charge? _) change) => (change.Old, change.New);
    }

    private static (string? Old, string? New, Charge? Charge) Changed(string? old, string? @new, Charge? charge) =>
        old == @new ? throw Error("NO_CHANGE", $"The value is already '{@new ?? "null"}': a correction must change it.") : (old, @new, charge);

    private static async Task<int> ExistingAsync(IQueryable<int> ids, string typeName, string value, CancellationToken ct)
    {
        var id = CorrectionValues.ParseReference(typeName, value) ?? throw Invalid($"'{value}' is not a {typeName} ID.");
        return await ids.AnyAsync(x => x == id, ct) ? id : throw Error("NOT_FOUND", $"There is no {typeName} with the ID '{value}'.");
    }

    private Correction NewCorrection(CorrectionTarget target, string field, string? old, string? @new, CorrectionRequest request, string editor, Action<Correction> point)
    {
        var now = clock.GetUtcNow();
        var correction = new Correction
        {
            Target = target,
            Field = field,
            OldValue = old,
            NewValue = @new,
            CorrectedOn = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Reason = request.Reason.Trim(),
            Authority = request.Authority.Trim(),
            Editor = editor,
            RecordedAt = now,
            IdempotencyKey = request.IdempotencyKey,
        };
        point(correction);
        return correction;
    }

    private void Validate(CorrectionRequest request)
    {
        RefuseControlCharacters(request.Reason, "`reason`");
        RefuseControlCharacters(request.Authority, "`authority`");
        RefuseControlCharacters(request.IdempotencyKey, "`idempotencyKey`");
        RefuseControlCharacters(request.NewValue, "`newValue`");
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxReason)
        {
            throw Invalid($"`reason` must say why, in 1 to {MaxReason} characters.");
        }
        if (string.IsNullOrWhiteSpace(request.Authority) || request.Authority.Length > MaxAuthority)
        {
            throw Invalid($"`authority` must name who or which document, in 1 to {MaxAuthority} characters.");
        }
        if (request.IdempotencyKey is { } key && (string.IsNullOrWhiteSpace(key) || key.Length > MaxKey))
        {
            throw Invalid($"`idempotencyKey` must be 1 to {MaxKey} characters.");
        }
    }

    private static string Required(string? value) =>
        value ?? throw Invalid("This field cannot be cleared: give `newValue`.");

    private static string RequiredText(string? value, int max) =>
        Required(value).Trim() is not { Length: > 0 } text || text.Length > max ? throw Invalid($"The text must be 1 to {max} characters.")
        : StartsWithCombiningMark(text) ? throw Invalid("The text starts with a combining mark (an accent with no letter before it): give the letter it belongs to.")
        : text;

    /// <summary>
    /// Whether the text's first character is a combining mark: with no letter before it, it is drawn on whatever stands
    /// before the value (a spreadsheet's cell border, a label's last letter), and "\u0301\u0301" reads as nothing at all.
    /// </summary>
    private static bool StartsWithCombiningMark(string text) =>
        char.GetUnicodeCategory(text, 0) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static DateOnly? OptionalDate(string? value) =>
        value is null ? null
        : !CorrectionValues.TryParseDate(value, out var date) ? throw Invalid($"'{value}' is not a date as YYYY-MM-DD.")
        : date < Values.EarliestDate || date > Values.LatestDate ? throw Invalid($"'{value}' is outside the years 1900 to 2099, the dates an import accepts.")
        : date;

    /// <summary>
    /// A correction's texts are kept and exported as given: a control character (a NUL, an escape, a line break in a
    /// citizenship) would reach terminals and CSV files raw, and a NUL makes an export that the import refuses. Unicode's
    /// own line breaks (U+2028, U+2029) are line breaks too, and an invisible format character (a bidirectional override,
    /// a zero-width space, a byte-order mark, a soft hyphen) stored in a value shows it as other text than it is:
    /// <c>\u202EOCIXEM</c> reads "MEXICO" in a spreadsheet, and "MEXICO\u200B" looks like "MEXICO" but no filter for
    /// "MEXICO" finds it. The joiners (U+200C, U+200D) are kept: some scripts and emoji need them.
    /// </summary>
    private static void RefuseControlCharacters(string? text, string what)
    {
        if (text is not null && text.Any(IsUnprintable))
        {
            throw Invalid($"{what} holds a control character (a line break, tab, NUL or escape) or an invisible formatting " +
                "character (a bidirectional override, a zero-width space): give it as one line of plain text.");
        }
    }

    /// <summary>What the logs escape (<see cref="LogText"/>), except the joiners.</summary>
    private static bool IsUnprintable(char c) => LogText.NeedsEscape(c) && c is not ('\u200C' or '\u200D');

    /// <summary>Generated demo records were never published: there is nothing to correct, and a correction would read as a real one.</summary>
    private static void RefuseSynthetic(Detainer detainer)
    {
        if (detainer.IsSynthetic)
        {
            throw Error("SYNTHETIC_RECORD", "The detainer is synthetic (generated demo data, never published): it cannot be corrected or retracted.");
        }
    }

    private static ExecutionError NotFound(string what) => Error("NOT_FOUND", $"There is no {what} with this ID.");

    private static ExecutionError Invalid(string message) => Error("INVALID_VALUE", message);

    private static ExecutionError Error(string code, string message) => new(message) { Code = code };
}
