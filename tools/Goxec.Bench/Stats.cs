namespace Goxec.Bench;

/// <summary>Nearest-rank percentiles over every sample (counts here are small enough to keep them all).</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0) return double.NaN;
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static Scenario Scenario(string name, string kind, string language, string? pool, int concurrency,
        IReadOnlyList<double> samples, int errors, TimeSpan wall) =>
        new(name, kind, language, pool, concurrency, samples.Count, errors, Round(wall.TotalSeconds),
            Round(Percentile(samples, 50)), Round(Percentile(samples, 90)), Round(Percentile(samples, 99)),
            Round(samples.Count / Math.Max(wall.TotalSeconds, 1e-9)), null, null, null, [.. samples.Select(Round)]);

    /// <summary>Least-squares slope of y over x.</summary>
    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / den;
    }

    public static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 2) : 0;
}
