using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// Missing values are first-class in every filter: `field: null` and `eq: null` ask for the records without the
/// value, and are a coded INVALID_FILTER error where the value can never be missing. Nothing is silently ignored.
/// </summary>
public sealed class MissingValueFilterTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    private async Task<int> CountAsync(string where)
    {
        var data = await App.DataAsync($"{{ detainers(first: 0, where: {where}) {{ totalCount }} }}");
        return data.GetProperty("detainers").GetProperty("totalCount").GetInt32();
    }

    private async Task<string?> ErrorCodeAsync(string query)
    {
        var result = await App.QueryAsync(query);
        Assert.True(result.TryGetProperty("errors", out var errors), $"expected an error: {result}");
        return errors[0].Code();
    }

    [Fact]
    public async Task A_null_relation_asks_for_the_published_detainers_without_it()
    {
        Assert.Equal(await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.JurisdictionId == null)), await CountAsync("{ jurisdiction: null }"));
        Assert.Equal(await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.FacilityId == null)), await CountAsync("{ facility: null }"));
        Assert.Equal(await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.WeekStart == null)), await CountAsync("{ week: null }"));
        // And the opposite, through neq on a value of the relation.
        Assert.Equal(await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.JurisdictionId != null && d.Jurisdiction!.Fips == null)),
            await CountAsync("{ jurisdiction: { fips: { eq: null } } }"));
    }

    [Fact]
    public async Task A_null_value_asks_for_the_detainers_without_it_in_both_spellings()
    {
        var noOutcomeDate = await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.OutcomeRecordedOn == null));
        var noCitizenship = await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.Citizenship == null));

        Assert.Equal(noOutcomeDate, await CountAsync("{ outcomeRecordedOn: null }"));
        Assert.Equal(noOutcomeDate, await CountAsync("{ outcomeRecordedOn: { eq: null } }"));
        Assert.Equal(noCitizenship, await CountAsync("{ citizenship: null }"));
        Assert.Equal(noCitizenship, await CountAsync("{ citizenship: { eq: null } }"));
        Assert.Equal(await App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && d.Citizenship != null)), await CountAsync("{ citizenship: { neq: null } }"));
    }

    [Theory]
    [InlineData("""{ detainers(where: { week: { start: { eq: null } } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { week: { end: { neq: null } } }) { totalCount } }""")]
    [InlineData("""{ detainerStats(groupBy: [], where: { week: { start: { eq: null } } }) { count } }""")]
    [InlineData("""{ detainers(where: { outcome: null }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { charges: null }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { charges: { some: null } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { and: null }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { citizenship: { or: null } }) { totalCount } }""")]
    // Text every record has (a jurisdiction's name and state, a facility's name, a charge's description, a policy's name)
    // answered null with nothing, or everything, instead of saying so.
    [InlineData("""{ detainers(where: { jurisdiction: { name: { eq: null } } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { jurisdiction: { state: { neq: null } } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { jurisdiction: { state: null } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { facility: { name: { or: [{ eq: "X" }, { eq: null }] } } }) { totalCount } }""")]
    [InlineData("""{ detainers(where: { charges: { some: { description: { eq: null } } } }) { totalCount } }""")]
    [InlineData("""{ jurisdictions(where: { policies: { some: { name: null } } }) { totalCount } }""")]
    [InlineData("""{ facilities(where: { state: { eq: null } }) { totalCount } }""")]
    public async Task Null_where_a_value_is_never_missing_is_a_coded_filter_error_not_a_crash(string query) =>
        Assert.Equal("INVALID_FILTER", await ErrorCodeAsync(query));

    [Fact]
    public async Task Search_refuses_a_missing_value_it_cannot_filter_in_the_engine_rather_than_ignoring_it() =>
        Assert.Equal("SEARCH_FILTER_UNSUPPORTED", await ErrorCodeAsync("""{ searchCharges(query: "assault", where: { jurisdiction: null }) { totalCount } }"""));

    [Fact]
    public async Task A_missing_value_error_says_what_to_ask_instead()
    {
        var result = await App.QueryAsync("""{ detainers(where: { week: { start: { eq: null } } }) { totalCount } }""");
        var message = result.GetProperty("errors")[0].GetProperty("message").GetString();
        Assert.Contains("week: null", message, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("detainers").ValueKind);
    }
}
