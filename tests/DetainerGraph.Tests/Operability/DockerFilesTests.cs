using System.Text.RegularExpressions;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Operability;

/// <summary>
/// What can be checked of docker/ without a Docker engine: every variable the compose file reads is documented
/// in .env.example, images are pinned, and the Dockerfile keeps its promises (non-root, one port, exec form).
/// </summary>
public sealed partial class DockerFilesTests
{
    private static string Read(string name) => File.ReadAllText(Path.Combine(RepositoryFiles.Root, "docker", name));

    [GeneratedRegex(@"\$\{([A-Z_][A-Z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^([A-Z_][A-Z0-9_]*)=", RegexOptions.Multiline)]
    private static partial Regex Assignment();

    [Fact]
    public void Every_variable_the_compose_file_reads_is_in_the_env_example_and_no_other()
    {
        // $${X} is the container's own variable, read by a health check inside it, not by compose.
        var compose = Read("compose.yaml").Replace("$${", "#{", StringComparison.Ordinal);
        var used = Variable().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();
        var listed = Assignment().Matches(Read(".env.example")).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(listed));
        Assert.Empty(listed.Except(used));
    }

    [Fact]
    public void The_env_example_holds_no_secret()
    {
        var secrets = Read(".env.example").Split('\n')
            .Where(l => Regex.IsMatch(l, "^[A-Z_]*(PASSWORD|API_KEY)=", RegexOptions.None)).ToList();

        Assert.Equal(3, secrets.Count);
        Assert.All(secrets, line => Assert.EndsWith("=", line.TrimEnd(), StringComparison.Ordinal));
    }

    [Fact]
    public void Images_are_pinned_to_versions()
    {
        var images = Regex.Matches(Read("compose.yaml"), @"^\s*image:\s*(\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("mcr.microsoft.com/mssql/server:2022-CU27-ubuntu-22.04", images);
        Assert.Contains(images, i => Regex.IsMatch(i, @"^docker\.elastic\.co/elasticsearch/elasticsearch:9\.\d+\.\d+$"));
        Assert.DoesNotContain(images, i => i.EndsWith(":latest", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dockerfile_builds_with_the_sdk_and_npm_and_runs_as_a_non_root_user_on_one_port()
    {
        var dockerfile = Read("Dockerfile");

        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("npm", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER \$APP_UID$", dockerfile);
        Assert.Single(Regex.Matches(dockerfile, "(?m)^EXPOSE "));
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/detainergraph\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --chmod=755 docker/entrypoint.sh /usr/local/bin/detainergraph", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, ".dockerignore")));
    }

    [Fact]
    public void The_image_is_published_ready_to_run_for_the_architecture_being_built()
    {
        var dockerfile = Read("Dockerfile");

        Assert.Matches(@"dotnet restore [^\n]*-r ""\$\(cat /tmp/rid\)"" -p:PublishReadyToRun=true", dockerfile);
        Assert.Matches(@"dotnet publish [^\n]*--no-restore -r ""\$\(cat /tmp/rid\)"" --self-contained false", dockerfile);
        Assert.Contains("-p:PublishReadyToRun=true -o /app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("arm64) echo linux-arm64 ;; *) echo linux-x64 ;;", dockerfile, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(new[] { "import", "/import/a b.csv", "x.csv" }, null, "0|0|1000|/app/DetainerGraph.dll|import|/import/a b.csv|x.csv")]
    [InlineData(new[] { "import", "x.csv" }, "1", "1|0|1000|/app/DetainerGraph.dll|import|x.csv")]
    [InlineData(new string[0], null, "|||/app/DetainerGraph.dll")]
    [InlineData(new[] { "migrate" }, null, "|||/app/DetainerGraph.dll|migrate")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_entry_point_runs_the_program_with_the_batch_jit_settings_for_import_only(string[] args, string? pgo, string expected)
    {
        Skip.If(OperatingSystem.IsWindows(), "The image's entry point is a POSIX shell script.");
        // The script run by sh, with a `dotnet` on the PATH that prints the settings it got and each of its arguments.
        var folder = Directory.CreateTempSubdirectory("entrypoint-").FullName;
        try
        {
            var fake = Path.Combine(folder, "dotnet");
            await File.WriteAllTextAsync(fake, "#!/bin/sh\nprintf '%s|%s|%s' \"$DOTNET_TieredPGO\" \"$DOTNET_TC_CallCountingDelayMs\" \"$DOTNET_TC_CallCountThreshold\"\nprintf '|%s' \"$@\"\n");
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(RepositoryFiles.Root, "docker", "entrypoint.sh"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }
            start.Environment["PATH"] = folder + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment.Remove("DOTNET_TieredPGO");
            start.Environment.Remove("DOTNET_TC_CallCountingDelayMs");
            start.Environment.Remove("DOTNET_TC_CallCountThreshold");
            if (pgo is not null)
            {
                start.Environment["DOTNET_TieredPGO"] = pgo;
            }
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.Equal(0, process.ExitCode);
            Assert.Equal(expected, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
