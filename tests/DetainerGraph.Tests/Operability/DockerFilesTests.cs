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
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"DetainerGraph.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, ".dockerignore")));
    }
}
