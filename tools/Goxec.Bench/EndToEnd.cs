using System.Net;
using System.Net.Http.Json;
using Goxec.Jobs;

namespace Goxec.Bench;

/// <summary>POST /api/v1/jobs?wait=true until the result, per language and concurrency, through a real graph.</summary>
public sealed class EndToEnd(BenchOptions options, TextWriter progress)
{
    /// <summary>When each scenario ran (UTC), to find its jobs' spans afterwards.</summary>
    public Dictionary<string, (DateTime From, DateTime To)> Windows { get; } = [];

    /// <param name="driver">The graph's sandbox driver; <paramref name="pool"/> is the container driver's warm pool, null for the namespace driver.</param>
    public async Task<List<Scenario>> RunAsync(HttpClient http, string driver, string? pool, CancellationToken ct)
    {
        var scenarios = new List<Scenario>();
        foreach (var language in Programs.Languages)
        {
            // Untimed: the first job of a language pays for image and page-cache warm-up.
            await RunJobAsync(http, language, "warm-up", ct);
            foreach (var concurrency in options.Concurrency)
            {
                var name = pool is null ? $"{language} c={concurrency} {driver}" : $"{language} c={concurrency} pool {pool}";
                var from = DateTime.UtcNow;
                var outcome = await Load.RunAsync(name, options.JobsAt(concurrency), concurrency,
                    (i, c) => RunJobAsync(http, language, $"bench-{i}", c), progress, ct);
                Windows[name] = (from, DateTime.UtcNow);
                scenarios.Add(Stats.Scenario(name, "e2e", language, pool, concurrency, outcome.SamplesMs, outcome.Errors, outcome.Wall) with { Driver = driver });
            }
        }
        return scenarios;
    }

    public static async Task RunJobAsync(HttpClient http, string language, string token, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/jobs?wait=true",
            new SubmitJobRequest(language, Programs.Code(language, token), null, null, null), GoxecJsonContext.Default.SubmitJobRequest, ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"{language}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        var job = await response.Content.ReadFromJsonAsync(GoxecJsonContext.Default.JobView, ct);
        if (job?.Run?.Stdout != token + "\n")
            throw new InvalidOperationException($"{language}: verdict {job?.Verdict}, printed '{job?.Run?.Stdout}' {job?.Compile?.Stderr}{job?.Message}");
    }
}
