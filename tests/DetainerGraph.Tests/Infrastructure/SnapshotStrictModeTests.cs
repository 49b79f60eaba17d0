using Snapshooter;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// Snapshooter writes a missing snapshot and passes unless strict mode is on, so a snapshot test could re-baseline
/// itself silently in CI. These tests pin that CI turns strict mode on and that strict mode refuses a missing one.
/// </summary>
public sealed class SnapshotStrictModeTests
{
    [Fact]
    public void Ci_runs_the_tests_with_snapshooter_strict_mode_on()
    {
        var script = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, ".ci", "run"));

        Assert.Contains(script, line => line.Trim().StartsWith("export ", StringComparison.Ordinal)
            && line.Contains("SNAPSHOOTER_STRICT_MODE=true", StringComparison.Ordinal));
    }

    [Fact]
    public void Under_strict_mode_a_missing_snapshot_fails_and_is_not_written()
    {
        var name = "strict-mode-probe-" + Guid.NewGuid().ToString("N");
        var before = Environment.GetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE");
        Environment.SetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE", "true");
        try
        {
            var error = Record.Exception(() => Snapshot.Match(new { probe = 1 }, SnapshotNameExtension.Create(name)));

            Assert.NotNull(error);
            // Strict mode leaves the refused result in __mismatch__ (ignored by git) for review, never as a snapshot.
            var written = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "tests"), "*" + name + "*", SearchOption.AllDirectories);
            Assert.All(written, path => Assert.Contains("__mismatch__", path, StringComparison.Ordinal));
            foreach (var path in written)
            {
                File.Delete(path);
            }
        }
        finally
        {
            // Only ever tightened for the probe: a CI run already has it on and keeps it on.
            Environment.SetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE", before);
        }
    }
}
