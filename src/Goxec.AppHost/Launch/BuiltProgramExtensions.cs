using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Goxec.AppHost.Launch;

/// <summary>
/// Runs a project resource's build output (<c>dotnet Goxec.Worker.dll</c>) instead of Aspire's default
/// <c>dotnet run --project …</c>. The resource stays a <see cref="ProjectResource"/> (the dashboard's project,
/// its replicas, OTLP and service-discovery environment, references and waits are Aspire's as before); only
/// the launch tool's arguments change, through Aspire's own <c>WithLaunchToolArgs</c>, which the project
/// launch uses in place of <c>run --project</c>. Measured on the 2-core machine: <c>dotnet run</c> kept a
/// ~140 MB SDK process beside every replica and, under load, took 15 s or more before the program started,
/// so a SIGKILLed worker was back only after tens of seconds.
/// </summary>
/// <remarks>
/// The AppHost builds its referenced projects (the Aspire SDK's project references), so the output is the
/// one of this very build; the configuration is the AppHost's own (Release under <c>./goxec up</c> and the
/// tests).
/// </remarks>
public static class BuiltProgramExtensions
{
    public static IResourceBuilder<ProjectResource> WithBuiltProgram(this IResourceBuilder<ProjectResource> builder)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode) return builder;
        var program = ProgramPath(builder.Resource);
        return builder.WithLaunchToolArgs(context =>
        {
            if (!File.Exists(program))
                throw new InvalidOperationException($"'{builder.Resource.Name}' has no build output at {program}; build the solution (dotnet build Goxec.sln -c {Configuration}).");
            context.Args.Add(program);
        });
    }

    /// <summary>The project's main assembly in the AppHost's configuration: <c>src/Goxec.Worker/bin/Release/net10.0/Goxec.Worker.dll</c>.</summary>
    public static string ProgramPath(ProjectResource project)
    {
        var metadata = project.Annotations.OfType<IProjectMetadata>().Single();
        var directory = Path.GetDirectoryName(metadata.ProjectPath)!;
        return Path.Combine(directory, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(metadata.ProjectPath) + ".dll");
    }

    private static string Configuration { get; } =
        typeof(BuiltProgramExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The AppHost's own target framework (net10.0), which every project of the solution shares.</summary>
    private static string TargetFramework { get; } =
        typeof(BuiltProgramExtensions).Assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()?.FrameworkName is { } name
            ? "net" + name[(name.IndexOf("v", StringComparison.Ordinal) + 1)..]
            : "net10.0";
}
