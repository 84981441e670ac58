namespace Goxec.Jobs;

/// <summary>Every Redis key and group name Goxec uses, in one place.</summary>
public static class JobKeys
{
    public const string Stream = "goxec:jobs";
    public const string Group = "workers";
    public const string DeadLetters = "goxec:jobs:dead";
    /// <summary>Ids of jobs that just reached a terminal state; the Api's waiters follow it.</summary>
    public const string Finished = "goxec:finished";
    /// <summary>Version of the stream entry format; entries with another version are dead-lettered.</summary>
    public const string SchemaVersion = "1";

    public static string Job(string id) => $"goxec:job:{id}";
}
