using Goxec.Bench;

namespace Goxec.Tests.Bench;

public class BenchOptionsTests
{
    [Fact]
    public void Every_flag_is_read()
    {
        var options = BenchOptions.Parse(["--quick", "--out", "o", "--only", "floors,ingest", "--pool", "on", "--ingest", "500",
            "--connections", "8", "--concurrency", "1,2,8", "--soak", "90s"]);

        Assert.True(options.Quick);
        Assert.Equal("o", options.OutDir);
        Assert.Equal(["floors", "ingest", "soak"], options.Only.Order());
        Assert.Equal("on", options.Pool);
        Assert.Equal(500, options.IngestCount);
        Assert.Equal(8, options.Connections);
        Assert.Equal([1, 2, 8], options.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Soak);
    }

    [Theory]
    [InlineData("--only", "floors,speed", "speed")]
    [InlineData("--pool", "sometimes", "--pool")]
    [InlineData("--concurrency", "1,0", "--concurrency")]
    [InlineData("--soak", "10x", "--soak")]
    [InlineData("--ingest", "-5", "--ingest")]
    [InlineData("--fast", "", "Unknown option --fast")]
    public void Bad_input_is_refused_naming_the_problem(string flag, string value, string named)
    {
        string[] args = value.Length == 0 ? [flag] : [flag, value];
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(args));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Percentiles_are_nearest_rank_and_the_slope_is_least_squares()
    {
        double[] samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
        Assert.Equal(5, Stats.Percentile(samples, 50));
        Assert.Equal(9, Stats.Percentile(samples, 90));
        Assert.Equal(10, Stats.Percentile(samples, 99));
        Assert.Equal(2.0, Stats.Slope([(0, 1), (1, 3), (2, 5)]), 6);
        Assert.Equal(0, Stats.Slope([(0, 4), (1, 4), (2, 4)]));
    }
}
