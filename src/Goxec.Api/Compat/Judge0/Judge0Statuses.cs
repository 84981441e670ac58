using Goxec.Jobs;

namespace Goxec.Api.Compat.Judge0;

/// <summary>Judge0's fixed status table, and which one a Goxec job stands at.</summary>
internal static class Judge0Statuses
{
    public static readonly IReadOnlyList<Judge0Status> All =
    [
        new(1, "In Queue"), new(2, "Processing"), new(3, "Accepted"), new(4, "Wrong Answer"),
        new(5, "Time Limit Exceeded"), new(6, "Compilation Error"), new(7, "Runtime Error (SIGSEGV)"),
        new(8, "Runtime Error (SIGXFSZ)"), new(9, "Runtime Error (SIGFPE)"), new(10, "Runtime Error (SIGABRT)"),
        new(11, "Runtime Error (NZEC)"), new(12, "Runtime Error (Other)"), new(13, "Internal Error"), new(14, "Exec Format Error"),
    ];

    public static Judge0Status Of(JobView job) => All[IdOf(job) - 1];

    // Memory and output limits have no status of their own in Judge0: they are runtime errors (Other),
    // and the message says which limit it was.
    private static int IdOf(JobView job) => job.Status switch
    {
        JobStatus.Queued => 1,
        JobStatus.Running => 2,
        JobStatus.DeadLettered => 13,
        _ => job.Verdict switch
        {
            Verdict.Accepted => 3,
            Verdict.WrongAnswer => 4,
            Verdict.TimeLimitExceeded => 5,
            Verdict.CompileError => 6,
            Verdict.RuntimeError => job.Run?.Signal switch
            {
                null => 11,
                "SIGSEGV" => 7,
                "SIGXFSZ" => 8,
                "SIGFPE" => 9,
                "SIGABRT" => 10,
                _ => 12,
            },
            // Judge0 has no "cancelled": the program did not finish, for a reason the message names.
            Verdict.MemoryLimitExceeded or Verdict.OutputLimitExceeded or Verdict.Cancelled => 12,
            _ => 13,
        },
    };
}

internal sealed record Judge0Status(int Id, string Description);
