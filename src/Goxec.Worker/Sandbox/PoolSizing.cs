namespace Goxec.Worker.Sandbox;

/// <summary>How many idle containers each language should have, from its demand, within the caps.</summary>
public static class PoolSizing
{
    /// <param name="demand">Takes per language within the window, busiest first (<see cref="PoolDemand.Snapshot"/>).</param>
    /// <param name="known">Languages this worker can run; demand for any other is ignored.</param>
    public static IReadOnlyDictionary<string, int> Targets(IReadOnlyList<(string Language, int Takes)> demand, PoolOptions options, Func<string, bool> known)
    {
        // One container per recent take, at least the prewarm size for a prewarmed language, at most the per-language cap.
        var wants = new List<(string Language, int Want)>();
        foreach (var (language, takes) in demand.Where(d => known(d.Language)))
            wants.Add((language, Math.Min(options.MaxPerLanguage, Math.Max(takes, Prewarm(language, options)))));
        foreach (var language in options.PrewarmLanguages.Where(known).Where(l => wants.All(w => w.Language != l)))
            wants.Add((language, Math.Min(options.MaxPerLanguage, options.PrewarmSize)));

        // Round by round, busiest first, so under the total cap every language in demand gets one before any gets a second.
        var targets = wants.ToDictionary(w => w.Language, _ => 0, StringComparer.Ordinal);
        var total = 0;
        for (var level = 1; level <= options.MaxPerLanguage && total < options.MaxTotal; level++)
            foreach (var (language, want) in wants)
            {
                if (want < level || total >= options.MaxTotal) continue;
                targets[language] = level;
                total++;
            }
        return targets;
    }

    private static int Prewarm(string language, PoolOptions options) =>
        options.PrewarmLanguages.Contains(language, StringComparer.Ordinal) ? options.PrewarmSize : 0;
}
