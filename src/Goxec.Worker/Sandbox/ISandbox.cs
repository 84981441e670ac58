using Goxec.Jobs;
using Goxec.Languages;

namespace Goxec.Worker.Sandbox;

/// <summary>Runs one job to a verdict. Throws <see cref="SandboxException"/> when the fault is ours, not the program's.</summary>
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
