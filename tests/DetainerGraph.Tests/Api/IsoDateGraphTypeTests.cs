using DetainerGraph.Api;
using GraphQL.Types;

namespace DetainerGraph.Tests.Api;

/// <summary>The Date scalar keeps each date's text once per process; the text must be what the library writes.</summary>
public sealed class IsoDateGraphTypeTests
{
    public static TheoryData<DateOnly> Dates() =>
    [
        new DateOnly(1900, 1, 1),
        new DateOnly(2017, 6, 3),
        new DateOnly(2024, 2, 29),
        new DateOnly(2099, 12, 31),
        // Outside the kept range: formatted each time, the same way.
        new DateOnly(1899, 12, 31),
        new DateOnly(2100, 1, 1),
        new DateOnly(1, 1, 1),
        new DateOnly(9999, 12, 31),
    ];

    [Theory]
    [MemberData(nameof(Dates))]
    public void A_date_is_written_as_the_library_writes_it_on_first_and_later_use(DateOnly date)
    {
        var expected = new DateOnlyGraphType().Serialize(date);
        var scalar = new IsoDateGraphType();

        Assert.Equal(expected, scalar.Serialize(date));
        Assert.Equal(expected, scalar.Serialize(date));
        Assert.Equal(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), scalar.Serialize(date));
    }

    [Fact]
    public void A_date_in_the_kept_range_is_formatted_once_and_its_text_shared()
    {
        var date = new DateOnly(2019, 3, 9);

        Assert.Same(new IsoDateGraphType().Serialize(date), new IsoDateGraphType().Serialize(date));
    }

    [Fact]
    public void Values_that_are_not_dates_are_handled_as_before()
    {
        var scalar = new IsoDateGraphType();

        Assert.Null(scalar.Serialize(null));
        Assert.Throws<InvalidOperationException>(() => scalar.Serialize(42));
    }
}
