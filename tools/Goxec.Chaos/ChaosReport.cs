namespace Goxec.Chaos;

/// <summary>The outcome of a chaos run. Every figure but Accepted and Completed must be 0.</summary>
public sealed record ChaosReport(int Accepted, int Completed, int Dead, int Lost, int VisibleDuplicates, long Pending, int OrphanContainers,
    int WorkerKills, int RedisRestarts, TimeSpan Duration)
{
    public bool Clean => Completed == Accepted && Dead == 0 && Lost == 0 && VisibleDuplicates == 0 && Pending == 0 && OrphanContainers == 0;

    public override string ToString() =>
        $"accepted={Accepted} completed={Completed} dead={Dead} lost={Lost} visible_duplicates={VisibleDuplicates} pending={Pending} orphan_containers={OrphanContainers}";
}
