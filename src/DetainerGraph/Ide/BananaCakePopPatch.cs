using System.Text;
using System.Text.RegularExpressions;

namespace DetainerGraph.Ide;

/// <summary>
/// A fix for a race in Banana Cake Pop 18's schema reference, applied to the IDE's main script as it is served.
/// <para>
/// The cause: the two panes of the "Schema Reference" tab (the type view and the types list) read the schema
/// from the IDE's own index (an IndexedDB store built by a web worker) once, as soon as the introspected schema
/// exists, and remember its hash. On a first visit, "Browse Schema" opens the tab before the schema is
/// fetched; the schema then arrives while the worker is still indexing it, the read finds no index and answers
/// nothing, and the pane keeps "No Schema" for that hash until the tab is remounted (another tab opened, a
/// reload). BCP's operation builder checks <c>schemaIndexed</c> before the same read; these two panes do not.
/// </para>
/// <para>
/// The fix: both panes also watch BCP's own "schema is being indexed" flag and do not remember a hash whose read
/// came back empty, so the read runs again when indexing ends. Six exact replacements, each of which must match
/// the pinned 18.0.0 bundle exactly once; if any does not (a different BCP version), the script is served
/// unchanged and a warning is logged. The ChilliCream License asks that modifications be marked: the served
/// script starts with a comment saying what was changed.
/// </para>
/// </summary>
public static partial class BananaCakePopPatch
{
    public const string Notice =
        "/* Modified by DetainerGraph (src/DetainerGraph/Ide/BananaCakePopPatch.cs): the Schema Reference tab re-reads "
        + "the schema once BCP has indexed it, instead of showing \"No Schema\" on a first visit. "
        + "Banana Cake Pop is under the ChilliCream License 1.0, see ./LICENSE. */\n";

    /// <summary>The replacements, in the minified names of @chillicream/bananacakepop-graphql-ide 18.0.0.</summary>
    internal static readonly (string Find, string Replace)[] Replacements =
    [
        // Column view (type view): also depend on whether the schema is being indexed (Gs is BCP's hook for it).
        ("const e=yi(),t=ed(e),{endpoint:o,exists:r,hash:c}=$s();",
            "const e=yi(),t=ed(e),{endpoint:o,exists:r,hash:c}=$s(),dgIndexing=Gs(o);"),
        // Its reads (all types / root types): an empty answer keeps the old hash, so the effect reads again.
        (".then((t=>{n.next((o=>nd(o,e,c,t)))}))",
            ".then((t=>{n.next((o=>t&&t.length?nd(o,e,c,t):{...o,loading:!1}))}))"),
        ("[e,o,r,c,t]),function(){",
            "[e,o,r,c,t,dgIndexing]),function(){"),
        // The types list beside it, the same way.
        ("const e=yi(),t=du(e),{endpoint:o,exists:r,hash:c}=$s();",
            "const e=yi(),t=du(e),{endpoint:o,exists:r,hash:c}=$s(),dgIndexing=Gs(o);"),
        (".then((t=>{n.next((o=>pu(o,e,c,t)))}))",
            ".then((t=>{n.next((o=>t&&t.rootTypes&&t.rootTypes.length?pu(o,e,c,t):{...o,loading:!1}))}))"),
        ("[e,o,r,c,t]),[o,t]}();",
            "[e,o,r,c,t,dgIndexing]),[o,t]}();"),
    ];

    /// <summary>Where the IDE's main script is, relative to the IDE's folder, as its index.html names it.</summary>
    public static string? MainScript(string indexHtml) =>
        MainScriptSource().Match(indexHtml) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>
    /// The patched script, or null with the reason when the bundle is not the one the patch was written for
    /// (the first anchor that does not occur exactly as often as expected).
    /// </summary>
    public static string? Apply(string script, out string? problem)
    {
        problem = null;
        var patched = script;
        foreach (var (find, replace) in Replacements)
        {
            var count = Count(patched, find);
            // The column view's `.then` occurs twice (all types, root types); every other anchor once.
            var expected = find.StartsWith(".then((t=>{n.next((o=>nd(", StringComparison.Ordinal) ? 2 : 1;
            if (count != expected)
            {
                problem = $"`{find}` occurs {count} times in the IDE's main script, not {expected}";
                return null;
            }
            patched = patched.Replace(find, replace, StringComparison.Ordinal);
        }
        return Notice + patched;
    }

    /// <summary>The patched bytes of the main script in <paramref name="ideFolder"/>, or null (logged) when it cannot be patched.</summary>
    public static (string Path, byte[] Content)? Load(string ideFolder, ILogger logger)
    {
        var index = Path.Combine(ideFolder, "index.html");
        if (!File.Exists(index) || MainScript(File.ReadAllText(index)) is not { } main || !File.Exists(Path.Combine(ideFolder, main)))
        {
            LogNotPatched(logger, "its main script is not where index.html says");
            return null;
        }
        var patched = Apply(File.ReadAllText(Path.Combine(ideFolder, main)), out var problem);
        if (patched is null)
        {
            LogNotPatched(logger, problem!);
            return null;
        }
        return ("/" + main, Encoding.UTF8.GetBytes(patched));
    }

    private static int Count(string text, string find)
    {
        var count = 0;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + find.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    [GeneratedRegex("""<script defer="defer" src="(static/js/main\.[0-9a-f]+\.js)">""")]
    private static partial Regex MainScriptSource();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Banana Cake Pop is served unpatched, so its Schema Reference may show \"No Schema\" on a first visit: {Problem}")]
    private static partial void LogNotPatched(ILogger logger, string problem);
}
