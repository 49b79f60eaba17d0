namespace DetainerGraph.Tests.Infrastructure;

public static class RepositoryFiles
{
    /// <summary>The repository root: the folder holding DetainerGraph.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DetainerGraph.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("DetainerGraph.sln not found above " + AppContext.BaseDirectory);
    }
}
