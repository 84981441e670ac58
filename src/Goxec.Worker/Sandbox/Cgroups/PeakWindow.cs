namespace Goxec.Worker.Sandbox.Cgroups;

/// <summary>
/// A stage's own memory peak. Kernels differ: v1 resets memory.max_usage_in_bytes by writing 0; v2's
/// memory.peak is resettable (per open file) only from Linux 6.12, exists from 5.19, and before that a
/// peak can only be sampled from memory.current. <see cref="Read"/> answers the exact stage peak so far,
/// or null when this window cannot know it (then <see cref="Approximation"/> says why, and the stage
/// falls back to the highest memory.current it sampled).
/// </summary>
internal abstract class PeakWindow : IDisposable
{
    public abstract long? Read(CgroupSample now);

    /// <summary>Why <see cref="Read"/> may be null: the note a stage's approximate or missing peak carries.</summary>
    public abstract string Approximation { get; }

    public virtual void Dispose() { }

    /// <summary>The peak was reset at the stage's start: every reading of it is the stage's own.</summary>
    public sealed class SinceReset : PeakWindow
    {
        public override long? Read(CgroupSample now) => now.PeakBytes;
        public override string Approximation => "the cgroup vanished before its memory peak could be read";
    }

    /// <summary>
    /// Not resettable: the peak since the group was made. A reading above the one at the stage's start was
    /// reached during the stage, so it is exact; otherwise the stage stayed below an earlier peak, unknown by how much.
    /// </summary>
    public sealed class RiseOnly(long? before, string why) : PeakWindow
    {
        public override long? Read(CgroupSample now) => now.PeakBytes is { } peak && before is { } b && peak > b ? peak : null;
        public override string Approximation => why;
    }

    /// <summary>No peak file at all: only sampling.</summary>
    public sealed class None(string why) : PeakWindow
    {
        public override long? Read(CgroupSample now) => null;
        public override string Approximation => why;
    }
}
