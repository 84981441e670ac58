using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Goxec.Tests.Gateway;

/// <summary>Polling one's own job draws on its own allowance (Gateway:Reads), never on the submission bucket.</summary>
[Collection(GatewayCollection.Name)]
public class ReadAllowanceTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_anonymous_caller_polling_its_job_ten_times_a_second_for_eight_seconds_is_never_refused()
    {
        // This graph's anonymous bucket is 1/s with bursts of 6: polling from it would be refused within a second.
        using var http = gateway.ClientFrom("127.0.0.41");
        using var submitted = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(1)" }, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
        var token = Guid.ParseExact(id, "N").ToString("D");

        var answers = new List<HttpStatusCode>();
        var start = TimeProvider.System.GetTimestamp();
        for (var i = 0; i < 80; i++)
        {
            // Judge0's own IDE polls GET /submissions/{token}; others poll the v1 job: both are reads.
            using var poll = await http.GetAsync(i % 2 == 0 ? $"/api/v1/jobs/{id}" : $"/judge0/submissions/{token}", Ct).WaitAsync(Timeout, Ct);
            answers.Add(poll.StatusCode);
            var next = TimeSpan.FromMilliseconds(100 * (i + 1)) - TimeProvider.System.GetElapsedTime(start);
            if (next > TimeSpan.Zero) await Task.Delay(next, Ct);
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.InRange(TimeProvider.System.GetElapsedTime(start).TotalSeconds, 7.9, 60);
        // And the submission bucket was left alone: a submission still goes through.
        using var again = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code = "print(2)" }, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }
}
