using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// EF Core's check against one context used by two tasks at once runs in the tests and in Development, and is off in
/// Production, where it cost a copy of the request's execution context for every row read.
/// </summary>
public sealed class ThreadSafetyCheckTests : IDisposable
{
    private readonly List<TestApp> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }

    [Theory]
    [InlineData("Testing", true)]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task The_request_context_checks_thread_safety_everywhere_but_in_production(string environment, bool expected)
    {
        var app = new TestApp(loadSampleData: false);
        _apps.Add(app);
        // Only this derived host runs: two hosts over one folder would contend for the search index.
        using var host = app.WithWebHostBuilder(b => b.UseEnvironment(environment));
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();

        var core = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!;

        Assert.Equal(expected, core.ThreadSafetyChecksEnabled);
    }
}
