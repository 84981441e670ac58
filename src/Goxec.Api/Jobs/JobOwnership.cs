using Goxec.Api.Gateway;
using Goxec.Jobs;

namespace Goxec.Api.Jobs;

/// <summary>
/// A job is its owner's: the caller that submitted it (an API key; an anonymous caller's address bucket). Every path
/// that shows a job finds it through here, and another caller's job is not found, exactly like an id that does not
/// exist, so ids cannot be probed. The admin key sees every job.
/// </summary>
internal static class JobOwnership
{
    public static bool MaySee(this Caller caller, JobView job) =>
        caller.Kind == CallerKind.Admin || (job.Owner is { Length: > 0 } owner && string.Equals(owner, caller.Bucket, StringComparison.Ordinal));

    /// <summary>The job, when it exists and <paramref name="caller"/> may see it; null otherwise (unknown and foreign alike).</summary>
    public static async Task<JobView?> FindAsync(this JobStore store, string id, Caller caller, CancellationToken ct) =>
        JobIds.IsWellFormed(id) && await store.GetAsync(id, ct) is { } job && caller.MaySee(job) ? job : null;
}

internal static class JobIds
{
    public static bool IsWellFormed(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
