using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// SQL Server refuses a request with more than 2,100 parameters, and EF Core 10 sends one per value of an
/// <c>in</c> list. These tests find the widest filter the limits accept by asking the server itself (the longest
/// list, then as many such lists as it takes), so they follow whatever limits are declared, and check the statement
/// that filter sends.
/// </summary>
public sealed class ParameterBoundTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static string Values(int list, int count) => string.Join(",", Enumerable.Range(0, count).Select(i => $"\"{list}-{i}\""));

    /// <summary>The most parameters one statement carries for the filter, or null when the limits refuse it.</summary>
    private async Task<int?> ParametersAsync(int lists, int values)
    {
        var conditions = string.Join(",", Enumerable.Range(0, lists).Select(l => $"{{ citizenship: {{ in: [{Values(l, values)}] }} }}"));
        var capture = new SqlServerCapture();
        try
        {
            await capture.ExecuteAsync(_app.Started(), $"{{ detainers(first: 5, where: {{ and: [{conditions}] }}) {{ totalCount nodes {{ id }} }} }}");
        }
        catch (InvalidOperationException e) when (e.Message.Contains("FILTER_TOO_COMPLEX", StringComparison.Ordinal))
        {
            return null;
        }
        return capture.Statements.Max(s => s.Parameters.Count);
    }

    /// <summary>The longest list the limits accept: halving from 4,096 values.</summary>
    private async Task<(int Values, int Parameters)> LongestListAsync()
    {
        for (var values = 4_096; values >= 1; values /= 2)
        {
            if (await ParametersAsync(1, values) is { } parameters)
            {
                // Then up to the exact limit, in steps.
                var step = values / 2;
                while (step >= 1)
                {
                    if (await ParametersAsync(1, values + step) is { } more)
                    {
                        values += step;
                        parameters = more;
                    }
                    step /= 2;
                }
                return (values, parameters);
            }
        }
        throw new InvalidOperationException("The limits accept no list at all.");
    }

    [Fact]
    public async Task The_longest_list_the_limits_accept_stays_within_2100_parameters()
    {
        var (values, parameters) = await LongestListAsync();

        Assert.True(values >= 100, $"a list takes only {values} values");
        Assert.True(parameters >= values, "each value is a parameter (EF Core 10's default)");
        Assert.True(parameters <= SqlServerStatementTests.MaxParameters, $"{values} values make {parameters} parameters");
    }

    [Fact]
    public async Task The_widest_filter_the_limits_accept_stays_within_2100_parameters()
    {
        var (values, _) = await LongestListAsync();
        var widest = 0;
        // Double the number of lists until the limits refuse (or 128 lists, past any request a client can send).
        for (var lists = 1; lists <= 128; lists *= 2)
        {
            if (await ParametersAsync(lists, values) is not { } parameters)
            {
                break;
            }
            widest = Math.Max(widest, parameters);
        }

        Assert.True(widest <= SqlServerStatementTests.MaxParameters, $"the widest filter the limits accept sends {widest} parameters");
    }
}
