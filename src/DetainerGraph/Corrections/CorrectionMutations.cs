using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Operability;
using DetainerGraph.Weeks;
using GraphQL;
using GraphQL.Types;

namespace DetainerGraph.Corrections;

/// <summary>
/// The corrections, the API's only writes, each one authenticated and audit-logged. <see cref="Api.MutationType"/>
/// is their root.
/// </summary>
public static class CorrectionMutations
{
    public static void AddCorrectionMutations(this ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<DetainerCorrectionPayloadGraphType>>("correctDetainer")
            .Description("Corrects one field of a detainer (or of one of its charges). The detainer then shows the new value; `published` and the correction keep the old one.")
            .Argument<NonNullGraphType<CorrectDetainerInputGraphType>>("input", "What to correct, to what, why and on whose authority.")
            .ResolveAsync(c => WriteAsync(c, "correctDetainer", async (writer, editor) =>
            {
                var input = c.GetArgument<CorrectDetainerInput>("input");
                var id = GlobalId.RequireNumber<long>(input.Id, "Detainer");
                long? chargeId = input.ChargeId is { } charge ? GlobalId.RequireNumber<long>(charge, "Charge") : null;
                return await writer.CorrectDetainerAsync(id, input.Field, chargeId, input.Request(input.NewValue), editor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<DetainerCorrectionPayloadGraphType>>("retractDetainer")
            .Description("Retracts a detainer that should never have been listed. It is kept, marked `retracted`, and left out of search, and of lists unless `includeRetracted` asks for it. `restoreDetainer` undoes it.")
            .Argument<NonNullGraphType<RetractDetainerInputGraphType>>("input", "The detainer, why and on whose authority.")
            .ResolveAsync(c => WriteAsync(c, "retractDetainer", async (writer, editor) =>
            {
                var input = c.GetArgument<RetractInput>("input");
                var id = GlobalId.RequireNumber<long>(input.Id, "Detainer");
                return await writer.RetractDetainerAsync(id, input.Request(null), editor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<DetainerCorrectionPayloadGraphType>>("restoreDetainer")
            .Description("Undoes a retraction made in error: the detainer is listed, counted and searchable again. The retraction stays in its history, followed by this correction.")
            .Argument<NonNullGraphType<RestoreDetainerInputGraphType>>("input", "The retracted detainer, why and on whose authority.")
            .ResolveAsync(c => WriteAsync(c, "restoreDetainer", async (writer, editor) =>
            {
                var input = c.GetArgument<RestoreInput>("input");
                var id = GlobalId.RequireNumber<long>(input.Id, "Detainer");
                return await writer.RestoreDetainerAsync(id, input.Request(null), editor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<SectionOneEntryCorrectionPayloadGraphType>>("correctSectionOneEntry")
            .Description("Corrects one field of a Section I entry. The entry then shows the new value; `published` and the correction keep the old one.")
            .Argument<NonNullGraphType<CorrectSectionOneEntryInputGraphType>>("input", "What to correct, to what, why and on whose authority.")
            .ResolveAsync(c => WriteAsync(c, "correctSectionOneEntry", async (writer, editor) =>
            {
                var input = c.GetArgument<CorrectSectionOneEntryInput>("input");
                var id = GlobalId.RequireNumber<int>(input.Id, "SectionOneEntry");
                return await writer.CorrectSectionOneEntryAsync(id, input.Field, input.Request(input.NewValue), editor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<SectionOneEntryCorrectionPayloadGraphType>>("retractSectionOneEntry")
            .Description("Retracts a Section I entry that should never have been listed. It is kept, marked `retracted`, and left out of `weeklyReport.sectionOne` unless `includeRetracted` asks for it. `restoreSectionOneEntry` undoes it.")
            .Argument<NonNullGraphType<RetractSectionOneEntryInputGraphType>>("input", "The entry, why and on whose authority.")
            .ResolveAsync(c => WriteAsync(c, "retractSectionOneEntry", async (writer, editor) =>
            {
                var input = c.GetArgument<RetractInput>("input");
                var id = GlobalId.RequireNumber<int>(input.Id, "SectionOneEntry");
                return await writer.RetractSectionOneEntryAsync(id, input.Request(null), editor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<SectionOneEntryCorrectionPayloadGraphType>>("restoreSectionOneEntry")
            .Description("Undoes a retraction of a Section I entry made in error: it is listed in `weeklyReport.sectionOne` again. The retraction stays in its history, followed by this correction.")
            .Argument<NonNullGraphType<RestoreSectionOneEntryInputGraphType>>("input", "The retracted entry, why and on whose authority.")
            .ResolveAsync(c => WriteAsync(c, "restoreSectionOneEntry", async (writer, editor) =>
            {
                var input = c.GetArgument<RestoreInput>("input");
                var id = GlobalId.RequireNumber<int>(input.Id, "SectionOneEntry");
                return await writer.RestoreSectionOneEntryAsync(id, input.Request(null), editor, c.CancellationToken);
            }));
    }

    /// <summary>Authenticates first (nothing is read before), then writes, and audit-logs the outcome either way.</summary>
    private static async Task<object?> WriteAsync<T>(IResolveFieldContext context, string action, Func<CorrectionWriter, string, Task<CorrectionResult<T>>> write)
    {
        var audit = context.RequestServices!.GetRequiredService<CorrectionAudit>();
        string editor;
        try
        {
            editor = await context.RequireEditorAsync();
        }
        catch (ExecutionError e)
        {
            audit.Refused(action, e.Code ?? "", null);
            throw;
        }
        try
        {
            // The writer audit-logs the correction as it commits, whatever the client does next.
            return await write(context.RequestServices!.GetRequiredService<CorrectionWriter>(), editor);
        }
        catch (ExecutionError e)
        {
            audit.Refused(action, e.Code ?? "", editor);
            throw;
        }
    }
}

/// <summary>The audit trail: one structured line per mutation, applied or refused, with who, what and when.</summary>
public sealed partial class CorrectionAudit(ILoggerFactory loggers, TimeProvider clock)
{
    private readonly ILogger _logger = loggers.CreateLogger("DetainerGraph.Audit");

    public void Applied(string editor, string action, Correction correction)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var at = correction.RecordedAt ?? clock.GetUtcNow();
        // Values and names are editors' text: escaped, so a newline in a value cannot forge another audit record.
        var name = LogText.Escape(editor);
        var oldValue = LogText.EscapeOrNull(correction.OldValue);
        var newValue = LogText.EscapeOrNull(correction.NewValue);
        LogApplied(_logger, name, action, correction.Target, correction.DetainerId ?? correction.SectionOneEntryId, correction.Field,
            oldValue, newValue, correction.Id, at);
    }

    public void Refused(string action, string code, string? editor)
    {
        if (!_logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }
        var at = clock.GetUtcNow();
        LogRefused(_logger, editor is null ? "(anonymous)" : LogText.Escape(editor), action, code, at);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information,
        Message = "Audit: {Editor} {Action} {Target} {RecordId} {Field} from {OldValue} to {NewValue} (correction {CorrectionId}) at {At:O}")]
    private static partial void LogApplied(ILogger logger, string editor, string action, CorrectionTarget target, long? recordId, string field,
        string? oldValue, string? newValue, int correctionId, DateTimeOffset at);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Audit: {Editor} {Action} refused ({Code}) at {At:O}")]
    private static partial void LogRefused(ILogger logger, string editor, string action, string code, DateTimeOffset at);
}

/// <summary>
/// What every correction input carries (the record, why, on whose authority, an optional retry key); it becomes
/// the writer's <see cref="CorrectionRequest"/>.
/// </summary>
public abstract class CorrectionRequestInput
{
    public string Id { get; set; } = "";
    public string Reason { get; set; } = "";
    public string? Authority { get; set; }
    public string? Source { get; set; }
    public string? IdempotencyKey { get; set; }

    public CorrectionRequest Request(string? newValue) => new(newValue, Reason, GivenAuthority(), IdempotencyKey);

    /// <summary>
    /// <c>authority</c>, as <c>Correction.authority</c> gives it back; <c>source</c> is its earlier name, still taken (a form
    /// bound to <c>source</c> found its value under <c>authority</c>, and <c>Correction.source</c> is the imported file).
    /// </summary>
    private string GivenAuthority() => (Authority, Source) switch
    {
        (null, null) => throw new ExecutionError("Give `authority`: on whose authority or from which document.") { Code = "INVALID_VALUE" },
        ({ } authority, { } source) when authority != source =>
            throw new ExecutionError("`authority` and `source` are one field under two names (`source` is the earlier one): give one of them.") { Code = "INVALID_VALUE" },
        ({ } authority, _) => authority,
        (null, { } source) => source,
    };
}

/// <summary>A retraction: the common fields only.</summary>
public sealed class RetractInput : CorrectionRequestInput;

/// <summary>A retraction undone: the common fields only.</summary>
public sealed class RestoreInput : CorrectionRequestInput;

public sealed class CorrectDetainerInput : CorrectionRequestInput
{
    public DetainerField Field { get; set; }
    public string? ChargeId { get; set; }
    public string? NewValue { get; set; }
}

public sealed class CorrectSectionOneEntryInput : CorrectionRequestInput
{
    public SectionOneEntryField Field { get; set; }
    public string? NewValue { get; set; }
}

internal static class CorrectionInputFields
{
    public static void AddCommonFields<T>(this InputObjectGraphType<T> type, string record)
        where T : CorrectionRequestInput
    {
        type.Field<NonNullGraphType<IdGraphType>>("id").Description($"The {record}'s ID. " + GlobalId.Rule);
        type.Field<NonNullGraphType<StringGraphType>>("reason").Description("Why: what was wrong, in a sentence or two (at most 2,000 characters).");
        type.Field<StringGraphType>("authority").Description("On whose authority or from which document: an agency, a court record, a URL (at most 400 characters); `Correction.authority` gives it back. Required: this or `source`.");
        type.Field<StringGraphType>("source").Description("The earlier name of `authority`, still taken: give one of the two (both only if they are equal).");
        type.Field<StringGraphType>("idempotencyKey").Description("Optional key for safe retries: the same editor sending the same key again gets the first correction back instead of a second one; the same key with a different record, field, value, reason or authority is refused with IDEMPOTENCY_KEY_REUSED (at most 100 characters).");
    }
}

public sealed class CorrectDetainerInputGraphType : InputObjectGraphType<CorrectDetainerInput>
{
    public CorrectDetainerInputGraphType()
    {
        Name = "CorrectDetainerInput";
        Description = "A correction to one field of a detainer or of one of its charges.";
        this.AddCommonFields("detainer");
        Field<NonNullGraphType<DetainerFieldGraphType>>("field").Description("The field to correct.");
        Field<IdGraphType>("chargeId").Description("For CHARGE_DESCRIPTION and CHARGE_STATUS: the charge (one of the detainer's). " + GlobalId.Rule);
        Field<StringGraphType>("newValue").Description("The corrected value, in the format the field's description gives; null clears a field that may be unknown.");
    }
}

public sealed class CorrectSectionOneEntryInputGraphType : InputObjectGraphType<CorrectSectionOneEntryInput>
{
    public CorrectSectionOneEntryInputGraphType()
    {
        Name = "CorrectSectionOneEntryInput";
        Description = "A correction to one field of a Section I entry.";
        this.AddCommonFields("Section I entry");
        Field<NonNullGraphType<SectionOneEntryFieldGraphType>>("field").Description("The field to correct.");
        Field<StringGraphType>("newValue").Description("The corrected value, in the format the field's description gives; null clears DETAINERS_ISSUED.");
    }
}

/// <summary>An input of the common fields only (a retraction, its undoing), named and described by its subclass.</summary>
public abstract class RecordRequestInputGraphType<T> : InputObjectGraphType<T>
    where T : CorrectionRequestInput
{
    protected RecordRequestInputGraphType(string name, string description, string record)
    {
        Name = name;
        Description = description;
        this.AddCommonFields(record);
    }
}

public sealed class RetractDetainerInputGraphType() : RecordRequestInputGraphType<RetractInput>(
    "RetractDetainerInput", "A retraction of a detainer that should never have been listed.", "detainer");

public sealed class RetractSectionOneEntryInputGraphType() : RecordRequestInputGraphType<RetractInput>(
    "RetractSectionOneEntryInput", "A retraction of a Section I entry that should never have been listed.", "Section I entry");

public sealed class RestoreDetainerInputGraphType() : RecordRequestInputGraphType<RestoreInput>(
    "RestoreDetainerInput", "The undoing of a detainer's retraction made in error.", "detainer");

public sealed class RestoreSectionOneEntryInputGraphType() : RecordRequestInputGraphType<RestoreInput>(
    "RestoreSectionOneEntryInput", "The undoing of a Section I entry's retraction made in error.", "Section I entry");

public sealed class DetainerFieldGraphType : EnumerationGraphType<DetainerField>
{
    public DetainerFieldGraphType()
    {
        Name = "DetainerField";
        Description = "The correctable fields of a detainer and of its charges, and the format of each one's `newValue`.";
    }
}

public sealed class SectionOneEntryFieldGraphType : EnumerationGraphType<SectionOneEntryField>
{
    public SectionOneEntryFieldGraphType()
    {
        Name = "SectionOneEntryField";
        Description = "The correctable fields of a Section I entry, and the format of each one's `newValue`.";
    }
}

public sealed class DetainerCorrectionPayloadGraphType : ObjectGraphType<CorrectionResult<Detainer>>
{
    public DetainerCorrectionPayloadGraphType()
    {
        Name = "DetainerCorrectionPayload";
        Description = "The detainer as it is now, with its whole correction history, and the correction just made.";
        Field<NonNullGraphType<DetainerGraphType>>("detainer").Description("The detainer after the correction; its `corrections` list the history.").Resolve(c => c.Source.Record);
        Field<NonNullGraphType<CorrectionGraphType>>("correction").Description("The correction this mutation appended (or, for a repeated `idempotencyKey`, appended before).").Resolve(c => c.Source.Correction);
    }
}

public sealed class SectionOneEntryCorrectionPayloadGraphType : ObjectGraphType<CorrectionResult<SectionOneEntry>>
{
    public SectionOneEntryCorrectionPayloadGraphType()
    {
        Name = "SectionOneEntryCorrectionPayload";
        Description = "The Section I entry as it is now, with its whole correction history, and the correction just made.";
        Field<NonNullGraphType<SectionOneEntryGraphType>>("sectionOneEntry").Description("The entry after the correction; its `corrections` list the history.").Resolve(c => c.Source.Record);
        Field<NonNullGraphType<CorrectionGraphType>>("correction").Description("The correction this mutation appended (or, for a repeated `idempotencyKey`, appended before).").Resolve(c => c.Source.Correction);
    }
}
