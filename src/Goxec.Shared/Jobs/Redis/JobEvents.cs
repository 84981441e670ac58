using System.Globalization;

namespace Goxec.Jobs;

/// <summary>
/// The per-job events stream (<see cref="JobKeys.Events"/>): status, output chunks, stage exits and
/// the result, as they happen. Entry ids are <c>{attempt}-{n}</c> (Redis numbers n), so a worker of
/// an earlier attempt can never append after a newer attempt began, and a new attempt trims the old
/// one's events: a replay never shows two runs. Clients see <c>seq = attempt × 1,000,000 + n</c>.
/// </summary>
public static class JobEvents
{
    public const long PerAttempt = 1_000_000;

    public const string Status = "status";
    public const string Stdout = "stdout";
    public const string Stderr = "stderr";
    public const string Exit = "exit";
    public const string Result = "result";

    public static long Seq(string entryId)
    {
        var dash = entryId.IndexOf('-');
        return long.Parse(entryId.AsSpan(0, dash), CultureInfo.InvariantCulture) * PerAttempt
             + (long)Math.Min(ulong.Parse(entryId.AsSpan(dash + 1), CultureInfo.InvariantCulture), PerAttempt - 1);
    }

    /// <summary>The stream id that <paramref name="seq"/> names, for <c>XREAD … STREAMS key id</c>.</summary>
    public static string EntryId(long seq) => $"{seq / PerAttempt}-{seq % PerAttempt}";

    /// <summary>
    /// The signals a client may send a running interactive program (Linux's standard set). The Api refuses others and
    /// the worker checks again, since the name ends up in a <c>kill -s</c> command.
    /// </summary>
    public static readonly IReadOnlySet<string> UserSignals = new HashSet<string>(StringComparer.Ordinal)
    {
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
        "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    public static long Attempt(string entryId) => long.Parse(entryId.AsSpan(0, entryId.IndexOf('-')), CultureInfo.InvariantCulture);
}
