using Goxec.AppHost.Lifecycle;

namespace Goxec.Tests.Hosting;

public class RestartOnCrashTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(2);

    [Fact]
    public void A_replica_that_keeps_crashing_waits_twice_as_long_each_time_up_to_the_maximum()
    {
        var policy = new RestartOnCrashAnnotation(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        var delays = new List<TimeSpan>();
        var delay = TimeSpan.Zero;
        for (var i = 0; i < 5; i++) delays.Add(delay = policy.NextDelay(delay, Short));

        Assert.Equal([1, 2, 4, 5, 5], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void A_minute_of_uptime_starts_the_back_off_again()
    {
        var policy = new RestartOnCrashAnnotation(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromSeconds(1), policy.NextDelay(TimeSpan.FromSeconds(32), RestartOnCrashAnnotation.StableUptime));
        Assert.Equal(TimeSpan.FromMinutes(1), policy.NextDelay(TimeSpan.FromSeconds(32), Short));
    }

    [Fact]
    public void A_maximum_at_or_below_the_first_delay_keeps_the_delay_fixed()
    {
        var policy = new RestartOnCrashAnnotation(TimeSpan.FromMilliseconds(250), TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromMilliseconds(250), policy.MaxDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), policy.NextDelay(TimeSpan.FromMilliseconds(250), Short));
    }
}
