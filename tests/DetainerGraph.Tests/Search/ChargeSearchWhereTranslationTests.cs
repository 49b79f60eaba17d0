using DetainerGraph.Api.Filtering;
using DetainerGraph.Charges;
using DetainerGraph.Data;
using GraphQL;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// <c>searchCharges(where:)</c> turns plain enum and citizenship conditions into the engine's value sets by testing them
/// directly, and takes a lone state or week range without building the lists' predicate. Each shortcut must select
/// exactly what the lists' own predicate selects, and report the same errors: the conditions here are values as
/// GraphQL parses them (dictionaries, lists of objects, boxed enum values, strings).
/// </summary>
public sealed class ChargeSearchWhereTranslationTests
{
    private static Dictionary<string, object?> Ops(params (string Operation, object? Value)[] operations) =>
        operations.ToDictionary(o => o.Operation, o => o.Value);

    private static List<object?> ListOf(params object?[] values) => [.. values];

    /// <summary>Every operation on one value, every pair of values for the lists, and combinations of them in one and in several conditions.</summary>
    private static IEnumerable<List<object?>> EnumConditions<TEnum>()
        where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        var single = new List<Dictionary<string, object?>> { Ops() };
        foreach (var v in values)
        {
            single.Add(Ops(("eq", v)));
            single.Add(Ops(("neq", v)));
            single.Add(Ops(("in", ListOf(v))));
            single.Add(Ops(("nin", ListOf(v))));
        }
        single.Add(Ops(("in", ListOf())));
        single.Add(Ops(("nin", ListOf())));
        for (var i = 0; i < values.Length; i++)
        {
            for (var j = i + 1; j < values.Length; j++)
            {
                single.Add(Ops(("in", ListOf(values[i], values[j]))));
                single.Add(Ops(("nin", ListOf(values[j], values[i]))));
                single.Add(Ops(("neq", values[i]), ("nin", ListOf(values[j]))));
                single.Add(Ops(("in", ListOf(values[i], values[j])), ("neq", values[j])));
            }
        }
        foreach (var condition in single)
        {
            yield return [condition];
        }
        for (var i = 0; i + 1 < single.Count; i += 3)
        {
            yield return [single[i], single[i + 1]];
            yield return [single[i], single[(i * 7 + 5) % single.Count], single[(i * 11 + 3) % single.Count]];
        }
    }

    [Fact]
    public void Enum_conditions_tested_directly_select_what_the_lists_predicate_selects()
    {
        var compared = 0;
        var distinctAnswers = new HashSet<string>();
        foreach (var conditions in EnumConditions<DetainerOutcome>())
        {
            var expected = ChargeSearchWhere.MatchingByPredicate("outcome", conditions, Enum.GetValues<DetainerOutcome>(), v => new Detainer { Outcome = v });
            var actual = ChargeSearchWhere.MatchingValues<DetainerOutcome>("outcome", conditions, v => new Detainer { Outcome = v });
            Assert.Equal(expected, actual);
            distinctAnswers.Add(string.Join(',', actual));
            compared++;
        }
        foreach (var conditions in EnumConditions<DetainerType>())
        {
            var expected = ChargeSearchWhere.MatchingByPredicate("detainerType", conditions, Enum.GetValues<DetainerType>(), v => new Detainer { DetainerType = v });
            var actual = ChargeSearchWhere.MatchingValues<DetainerType>("detainerType", conditions, v => new Detainer { DetainerType = v });
            Assert.Equal(expected, actual);
            distinctAnswers.Add(string.Join(',', actual));
            compared++;
        }
        Assert.True(compared > 200, $"{compared} condition lists");
        // All, none and many subsets in between: the comparison is not between constant answers.
        Assert.True(distinctAnswers.Count > 50, $"{distinctAnswers.Count} distinct answers");
    }

    [Fact]
    public void Citizenship_conditions_tested_directly_select_what_the_lists_predicate_selects()
    {
        var names = new object?[] { "Mexico", "mexico", "Guatemala", "El Salvador", "", "Ελλάδα", "日本", "🇲🇽" };
        var cases = new List<List<object?>>();
        foreach (var a in names)
        {
            cases.Add([Ops(("eq", a))]);
            cases.Add([Ops(("in", ListOf(a, "Guatemala")))]);
            foreach (var b in names)
            {
                cases.Add([Ops(("eq", a), ("in", ListOf(b, "Honduras")))]);
                cases.Add([Ops(("in", ListOf(a, b))), Ops(("eq", b))]);
                cases.Add([Ops(("in", ListOf(a))), Ops(("in", ListOf(b, a)))]);
            }
        }
        cases.Add([Ops(("in", ListOf()))]);
        // As long a list as FilterLimits allows, with another condition naming some of it.
        var longList = Enumerable.Range(0, FilterLimits.MaxListValues - 3).Select(i => (object?)$"Country {i}").ToList();
        cases.Add([Ops(("in", longList)), Ops(("in", ListOf("Country 7", "Country 998", "Nowhere")))]);
        var nonEmpty = 0;
        foreach (var conditions in cases)
        {
            var named = conditions.SelectMany(c => ((IDictionary<string, object?>)c!).Values)
                .SelectMany(v => v is List<object?> list ? list : [v]).Cast<string>().Distinct(StringComparer.Ordinal);
            var expected = ChargeSearchWhere.MatchingByPredicate("citizenship", conditions, named, v => new Detainer { Citizenship = v })
                .Order(StringComparer.Ordinal).ToList();
            var actual = ChargeSearchWhere.MatchingCitizenships(conditions);
            Assert.Equal(expected, actual);
            nonEmpty += actual.Count > 0 ? 1 : 0;
        }
        Assert.True(nonEmpty > cases.Count / 2, $"{nonEmpty} of {cases.Count} non-empty");
    }

    public static TheoryData<string, string> Refusals => new()
    {
        // Built before the engine's own refusal, as the lists build it: their error first.
        { """{ "citizenship": { "eqIgnoreCase": null } }""", "INVALID_FILTER" },
        { """{ "citizenship": { "eq": null } }""", ChargeSearchWhere.UnsupportedCode },
        { """{ "citizenship": { "in": ["Mexico", null] } }""", ChargeSearchWhere.UnsupportedCode },
        { """{ "citizenship": { "contains": "ex" } }""", ChargeSearchWhere.UnsupportedCode },
        { """{ "citizenship": { } }""", ChargeSearchWhere.UnsupportedCode },
        { """{ "outcome": { "eq": null } }""", "INVALID_FILTER" },
        { """{ "detainerType": { "in": null } }""", "INVALID_FILTER" },
        { """{ "and": [{ "outcome": { "neq": "LIFTED" } }, { "outcome": { "nin": null } }] }""", "INVALID_FILTER" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Conditions_the_shortcut_does_not_take_are_refused_as_before(string where, string code)
    {
        var error = await Assert.ThrowsAsync<ExecutionError>(() => TranslateAsync(Parse(where)));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void The_direct_tests_still_check_the_limits_the_predicate_would_check()
    {
        // The conditions on one field, gathered under one `and` (1 + 3 conditions each), pass FilterLimits.MaxConditions
        // by one at 34 items however the whole filter spread them: refused by both paths, with the same error.
        var many = Enumerable.Range(0, 34).Select(_ => (object?)Ops(("neq", DetainerOutcome.Died))).ToList();
        var byPredicate = Assert.Throws<ExecutionError>(() =>
            ChargeSearchWhere.MatchingByPredicate("outcome", many, Enum.GetValues<DetainerOutcome>(), v => new Detainer { Outcome = v }));
        var direct = Assert.Throws<ExecutionError>(() => ChargeSearchWhere.MatchingValues<DetainerOutcome>("outcome", many, v => new Detainer { Outcome = v }));
        Assert.Equal(FilterLimits.FilterTooComplexCode, byPredicate.Code);
        Assert.Equal(byPredicate.Message, direct.Message);
        Assert.Equal(byPredicate.Code, direct.Code);

        var citizenships = Enumerable.Range(0, 34).Select(_ => (object?)Ops(("eq", "Mexico"))).ToList();
        var named = new[] { "Mexico" };
        var citizenshipByPredicate = Assert.Throws<ExecutionError>(() =>
            ChargeSearchWhere.MatchingByPredicate("citizenship", citizenships, named, v => new Detainer { Citizenship = v }));
        var citizenshipDirect = Assert.Throws<ExecutionError>(() => ChargeSearchWhere.MatchingCitizenships(citizenships));
        Assert.Equal(citizenshipByPredicate.Message, citizenshipDirect.Message);
        Assert.Equal(FilterLimits.FilterTooComplexCode, citizenshipDirect.Code);

        // One fewer passes both.
        Assert.Equal(
            ChargeSearchWhere.MatchingByPredicate("outcome", many[..33], Enum.GetValues<DetainerOutcome>(), v => new Detainer { Outcome = v }),
            ChargeSearchWhere.MatchingValues<DetainerOutcome>("outcome", many[..33], v => new Detainer { Outcome = v }));
    }

    [Fact]
    public async Task A_lone_state_or_week_range_is_translated_without_the_database()
    {
        // No database: these shapes never ask it (a lookup would fail on the null context).
        var states = await TranslateAsync(Parse("""{ "jurisdiction": { "state": { "in": ["TX", "CA"] } } }"""));
        Assert.Equal(["TX", "CA"], states.States);
        Assert.Null(states.JurisdictionIds);

        var weeks = await TranslateAsync(new Dictionary<string, object?>
        {
            ["week"] = Ops(("start", Ops(("gt", new DateOnly(2017, 6, 3)), ("lt", new DateOnly(2017, 7, 1))))),
            ["outcome"] = Ops(("in", ListOf(DetainerOutcome.Lifted, DetainerOutcome.Died))),
        });
        Assert.Equal((new DateOnly(2017, 6, 4), new DateOnly(2017, 6, 30)), (weeks.WeekFrom, weeks.WeekTo));
        Assert.Null(weeks.WeekStarts);
        Assert.Equal(new[] { DetainerOutcome.Died, DetainerOutcome.Lifted }.Order(), weeks.Outcomes!.Order());
    }

    private static Task<DetainerGraph.Search.ChargeSearchFilter> TranslateAsync(Dictionary<string, object?> where) =>
        ChargeSearchWhere.TranslateAsync(where, null!, CancellationToken.None);

    /// <summary>A where value as GraphQL parses it: objects as dictionaries, lists of objects, enum names as the enum's values.</summary>
    private static Dictionary<string, object?> Parse(string json) => (Dictionary<string, object?>)Value(System.Text.Json.JsonDocument.Parse(json).RootElement, null)!;

    private static object? Value(System.Text.Json.JsonElement element, string? field) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value, p.Name is "eq" or "neq" or "in" or "nin" ? field : p.Name)),
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().Select(e => Value(e, field)).ToList(),
        System.Text.Json.JsonValueKind.String => field switch
        {
            "outcome" => Enum.Parse<DetainerOutcome>(element.GetString()!.Replace("_", "", StringComparison.Ordinal), ignoreCase: true),
            "detainerType" => Enum.Parse<DetainerType>(element.GetString()!, ignoreCase: true),
            _ => element.GetString(),
        },
        System.Text.Json.JsonValueKind.Null => null,
        _ => throw new ArgumentException(element.ToString()),
    };
}
