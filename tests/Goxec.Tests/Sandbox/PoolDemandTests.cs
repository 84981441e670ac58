using Goxec.Worker.Sandbox;

namespace Goxec.Tests.Sandbox;

public class PoolDemandTests
{
    private static readonly Func<string, bool> AnyLanguage = _ => true;

    [Fact]
    public void Takes_count_within_the_window_only()
    {
        var clock = new ManualClock();
        var demand = new PoolDemand(clock, TimeSpan.FromMinutes(1));

        demand.Record("python");
        clock.Advance(TimeSpan.FromSeconds(40));
        demand.Record("python");
        demand.Record("c");
        Assert.Equal([("python", 2), ("c", 1)], demand.Snapshot());

        clock.Advance(TimeSpan.FromSeconds(30)); // the first python take is 70 s old
        Assert.Equal([("c", 1), ("python", 1)], demand.Snapshot());

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(demand.Snapshot());
    }

    [Fact]
    public void Prewarmed_languages_get_their_size_before_any_demand()
    {
        var targets = PoolSizing.Targets([], new PoolOptions { Prewarm = "python, c", PrewarmSize = 2 }, AnyLanguage);

        Assert.Equal(2, targets["python"]);
        Assert.Equal(2, targets["c"]);
    }

    [Fact]
    public void Size_follows_demand_up_to_the_language_cap()
    {
        var options = new PoolOptions { Prewarm = "python", PrewarmSize = 1, MaxPerLanguage = 3, MaxTotal = 10 };

        var targets = PoolSizing.Targets([("python", 9), ("go", 2)], options, AnyLanguage);

        Assert.Equal(3, targets["python"]);
        Assert.Equal(2, targets["go"]);
    }

    [Fact]
    public void Total_cap_gives_every_language_in_demand_one_before_any_gets_more()
    {
        var options = new PoolOptions { Prewarm = "", MaxPerLanguage = 3, MaxTotal = 4 };

        var targets = PoolSizing.Targets([("python", 9), ("c", 5), ("go", 1)], options, AnyLanguage);

        Assert.Equal(4, targets.Values.Sum());
        Assert.Equal(2, targets["python"]);
        Assert.Equal(1, targets["c"]);
        Assert.Equal(1, targets["go"]);
    }

    [Fact]
    public void Unknown_languages_and_zero_caps_get_nothing()
    {
        var targets = PoolSizing.Targets([("nope", 5)], new PoolOptions { Prewarm = "python,nope" }, l => l == "python");
        Assert.False(targets.ContainsKey("nope"));
        Assert.Equal(1, targets["python"]);

        var none = PoolSizing.Targets([("python", 5)], new PoolOptions { MaxTotal = 0 }, AnyLanguage);
        Assert.All(none.Values, v => Assert.Equal(0, v));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
