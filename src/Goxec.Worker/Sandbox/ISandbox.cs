using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Worker.Sandbox;

/// <summary>
/// Runs one job to a verdict. Throws <see cref="SandboxException"/> when the fault is ours, not the program's. When
/// <c>cancellationToken</c> is cancelled (its owner cancelled the job, or the worker is shutting down) the driver stops
/// the job at once, every process of it, leaves nothing of it running (container, process group, cgroup) and throws
/// <see cref="OperationCanceledException"/>; the caller decides what the job's outcome is.
/// </summary>
public interface ISandbox
{
    Task<SandboxOutcome> RunAsync(JobSpec job, LanguageDefinition language, int attempt, IJobEvents events, CancellationToken cancellationToken);
}

/// <summary>Where a running job's live output goes (the job's events stream), as it happens.</summary>
public interface IJobEvents
{
    void Output(Goxec.Docker.OutputStream stream, ReadOnlySpan<byte> data);

    void StageExit(string stage, StageResult result);
}

public sealed record SandboxOutcome(Verdict Verdict, StageResult? Compile, StageResult? Run, string? Message = null);

/// <summary>The sandbox could not do its job (engine down, image missing…): an infrastructure fault, retried.</summary>
public sealed class SandboxException(string message, Exception? inner = null) : Exception(message, inner);
