namespace Goxec.Hosting;

/// <summary>Any program on PATH (or at an absolute path), run with the given arguments.</summary>
public class ExecutableResource(string name, string command, IReadOnlyList<string> arguments, string workingDirectory)
    : Resource(name)
{
    public string Command { get; } = command;

    public IReadOnlyList<string> Arguments { get; } = arguments;

    public string WorkingDirectory { get; } = workingDirectory;

    internal override LaunchSpec GetLaunchSpec() => new(ResolveCommand(Command) ?? Command, Arguments, WorkingDirectory);

    internal override void Validate()
    {
        if (ResolveCommand(Command) is null)
            throw new DistributedApplicationException($"Resource '{Name}': '{Command}' was not found on PATH.");
        if (!Directory.Exists(WorkingDirectory))
            throw new DistributedApplicationException($"Resource '{Name}': working directory '{WorkingDirectory}' does not exist.");
    }

    internal static string? ResolveCommand(string command) =>
        command.Contains('/')
            ? (File.Exists(command) ? Path.GetFullPath(command) : null)
            : (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, command))
                .FirstOrDefault(File.Exists);
}

public sealed class DistributedApplicationException(string message) : Exception(message);
