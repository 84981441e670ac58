namespace Goxec.AppHost;

/// <summary>Where the repository is, stamped in at build time so no machine path is committed.</summary>
public static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Goxec.RepositoryRoot")?.Value
        ?? throw new InvalidOperationException("Assembly metadata 'Goxec.RepositoryRoot' is missing; see Goxec.AppHost.csproj.");
}
