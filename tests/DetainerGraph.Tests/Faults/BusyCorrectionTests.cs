using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace DetainerGraph.Tests.Faults;

/// <summary>
/// A correction sent while another process holds SQLite's write lock: the server waits its busy timeout, then
/// answers <c>DATABASE_BUSY</c> through HTTP and changes nothing; once the lock is gone the client's retry,
/// under the same idempotency key, applies the correction once.
/// </summary>
public sealed class BusyCorrectionTests : IAsyncLifetime
{
    private const string Correct = """
        mutation($input: CorrectDetainerInput!) {
          correctDetainer(input: $input) { detainer { id citizenship corrections { reason } } correction { id } }
        }
        """;

    private readonly string _directory = TestApp.NewStorageDirectory();
    private readonly TestApp _app;

    public BusyCorrectionTests()
    {
        // One second of busy wait instead of SQLite's default thirty, so the refusal comes quickly.
        var database = Path.Combine(_directory, "detainers.db");
        _app = EditorClient.NewApp(new Dictionary<string, string?> { ["ConnectionStrings:Detainers"] = $"Data Source={database};Default Timeout=1" }, _directory);
    }

    public Task InitializeAsync() => EditorClient.ImportFixtureAsync(_app);

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_correction_while_the_store_is_locked_is_refused_with_database_busy_and_a_retry_applies_it_once()
    {
        var detainer = (await _app.DataAsync("""{ detainers(first: 1, where: { citizenship: { eq: "Mexico" } }) { nodes { id citizenship } } }"""))
            .GetProperty("detainers").GetProperty("nodes")[0];
        var id = detainer.GetProperty("id").GetString()!;
        var token = EditorClient.Token(_app);
        var variables = new
        {
            input = new { id, field = "CITIZENSHIP", newValue = "Guatemala", reason = "busy test", source = "test", idempotencyKey = "busy-1" },
        };

        System.Text.Json.JsonElement refused;
        string readWhileLocked;
        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(_directory, "detainers.db")};Pooling=False"))
        {
            await locker.OpenAsync();
            // Another process's write in progress: SQLite's write lock, taken first and held.
            using var transaction = locker.BeginTransaction(deferred: false);
            refused = await _app.PostAsync(Correct, variables, token);
            readWhileLocked = (await _app.DataAsync($$"""{ detainer(id: "{{id}}") { citizenship } }""")).GetProperty("detainer").GetProperty("citizenship").GetString()!;
            transaction.Rollback();
        }
        var retried = await _app.EditAsync(Correct, variables, token);
        var again = await _app.EditAsync(Correct, variables, token);

        Assert.Equal(["DATABASE_BUSY"], EditorClient.ErrorCodes(refused));
        Assert.Equal("Mexico", readWhileLocked);
        var corrected = retried.GetProperty("correctDetainer");
        Assert.Equal("Guatemala", corrected.GetProperty("detainer").GetProperty("citizenship").GetString());
        Assert.Equal(["busy test"], corrected.GetProperty("detainer").GetProperty("corrections").EnumerateArray().Select(c => c.GetProperty("reason").GetString()));
        Assert.Equal(corrected.GetProperty("correction").GetProperty("id").GetString(),
            again.GetProperty("correctDetainer").GetProperty("correction").GetProperty("id").GetString());
    }
}
