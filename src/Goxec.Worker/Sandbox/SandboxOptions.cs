namespace Goxec.Worker.Sandbox;

/// <summary>Limits for every container. Strict defaults; operators may change them.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    public long MemoryBytes { get; set; } = 256L * 1024 * 1024;
    public double Cpus { get; set; } = 1.0;
    public long PidsLimit { get; set; } = 64;
    public string WorkDir { get; set; } = "/box";
    public long WorkDirBytes { get; set; } = 64L * 1024 * 1024;
    public long TmpBytes { get; set; } = 16L * 1024 * 1024;
    /// <summary>uid:gid the user's code runs as; never root.</summary>
    public string User { get; set; } = "1000:1000";
    public TimeSpan CompileWallTime { get; set; } = TimeSpan.FromSeconds(20);
    public TimeSpan RunWallTime { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The whole run of an interactive job (a person is typing), however idle.</summary>
    public TimeSpan InteractiveWallTime { get; set; } = TimeSpan.FromMinutes(5);
    public int MaxOutputBytes { get; set; } = 1024 * 1024;
    public long MaxFileSizeBytes { get; set; } = 16L * 1024 * 1024;
    public int MaxOpenFiles { get; set; } = 256;
    /// <summary>An OCI runtime such as "runsc" (gVisor); empty for the engine's default.</summary>
    public string? Runtime { get; set; }
}
