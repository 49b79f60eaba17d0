using DetainerGraph.Operability;
using Microsoft.Extensions.Configuration;

namespace DetainerGraph.Tests.Operability;

/// <summary>
/// Socket completions run inline only for the embedded stores, where no request awaits a socket of its own; with SQL
/// Server or Elasticsearch a request's work after each reply would run on the runtime's epoll thread. An operator's own
/// value of the variable is never replaced.
/// </summary>
public sealed class SocketCompletionsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_embedded_stores_run_socket_completions_inline()
    {
        Assert.True(SocketCompletions.ShouldInline(Settings(), current: null));
        Assert.True(SocketCompletions.ShouldInline(Settings(("Database:Provider", "sqlite"), ("Search:Provider", "LUCENE")), current: null));
        Assert.True(SocketCompletions.ShouldInline(Settings(("Database:Provider", ""), ("Search:Provider", "")), current: null));
    }

    [Theory]
    [InlineData("SqlServer", "Lucene")]
    [InlineData("Sqlite", "Elasticsearch")]
    [InlineData("SqlServer", "Elasticsearch")]
    public void A_networked_store_keeps_the_runtime_default(string database, string search) =>
        Assert.False(SocketCompletions.ShouldInline(Settings(("Database:Provider", database), ("Search:Provider", search)), current: null));

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("")]
    public void An_operator_value_is_left_alone(string current) =>
        Assert.False(SocketCompletions.ShouldInline(Settings(), current));

    [Fact]
    public void A_provider_name_it_does_not_know_is_not_taken_for_an_embedded_one() =>
        Assert.False(SocketCompletions.ShouldInline(Settings(("Database:Provider", "Postgres")), current: null));
}
