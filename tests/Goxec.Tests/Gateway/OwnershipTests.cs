using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Goxec.Tests.Gateway;

/// <summary>
/// A job is its owner's: two keys and two anonymous addresses each submit, and each other caller's read or cancel of
/// that job — v1, batch lookup, live output (SSE and WebSocket), Judge0 — is answered exactly as for an id that does not exist.
/// The admin key sees every job.
/// </summary>
[Collection(GatewayCollection.Name)]
public class OwnershipTests(GatewayGraphFixture gateway)
{
    private static readonly TimeSpan Timeout = GatewayGraphFixture.Timeout;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_callers_jobs_are_its_own_and_a_foreign_id_reads_exactly_like_an_unknown_one()
    {
        var callers = new Dictionary<string, HttpClient>
        {
            ["alice"] = gateway.Client(0, await gateway.CreateKeyAsync("owner-alice", 100, 100)),
            ["bob"] = gateway.Client(1, await gateway.CreateKeyAsync("owner-bob", 100, 100)),
            ["anon-a"] = gateway.ClientFrom("127.0.0.21", 2),
            ["anon-b"] = gateway.ClientFrom("127.0.0.22", 0),
        };
        using var admin = gateway.Client(1, GatewayGraphFixture.AdminKey);
        var jobs = new Dictionary<string, string>();
        foreach (var (name, http) in callers) jobs[name] = await SubmitAsync(http, $"print('{name}')");
        // A finished one too: a result must not leak either.
        await GatewayWorker.FinishAsync(gateway.Redis, jobs["alice"]);
        var unknown = Guid.CreateVersion7().ToString("N");

        foreach (var (owner, id) in jobs)
        {
            using var own = await callers[owner].GetAsync($"/api/v1/jobs/{id}", Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            using var seen = await admin.GetAsync($"/api/v1/jobs/{id}", Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
            var body = await own.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("owner", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("127.0.0.2", body);

            // Paced: each caller reads 14 times per owner here, and its read allowance (20/s, bursts of 40) is another test's subject.
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            foreach (var (other, http) in callers.Where(c => c.Key != owner))
            {
                var foreign = await ReadAllAsync(http, id);
                var missing = await ReadAllAsync(http, unknown);
                Assert.True(foreign.Replace(id, "ID") == missing.Replace(unknown, "ID"),
                    $"{other} reading {owner}'s job:\n{foreign}\nan unknown id:\n{missing}");
            }
        }

        // Every other caller's cancel (v1 and Judge0) was a 404 that changed nothing; the owner's cancel works.
        var db = gateway.Redis.GetDatabase();
        foreach (var (owner, id) in jobs)
        {
            using var seen = await admin.GetAsync($"/api/v1/jobs/{id}", Ct).WaitAsync(Timeout, Ct);
            var job = await seen.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(owner == "alice" ? "accepted" : null, job.GetProperty("verdict").GetString());
            using var cancelled = await callers[owner].DeleteAsync($"/api/v1/jobs/{id}", Ct).WaitAsync(Timeout, Ct);
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            var verdict = (await cancelled.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("verdict").GetString();
            Assert.Equal(owner == "alice" ? "accepted" : "cancelled", verdict);
            Assert.Single(await db.StreamRangeAsync(Goxec.Jobs.JobKeys.Events(id)), e => e["type"] == "result");
        }
    }

    [Fact]
    public async Task Another_caller_cannot_follow_an_interactive_run_over_a_websocket()
    {
        var aliceKey = await gateway.CreateKeyAsync("owner-ws-alice", 100, 100);
        using var alice = new ClientWebSocket();
        alice.Options.SetRequestHeader("Authorization", $"Bearer {aliceKey}");
        await alice.ConnectAsync(Ws("/api/v1/run"), Ct).WaitAsync(Timeout, Ct);
        await alice.SendAsync("""{"type":"init","language":"python","code":"input()"}"""u8.ToArray(), WebSocketMessageType.Text, true, Ct);
        var first = JsonNode.Parse(await ReceiveAsync(alice))!;
        var id = first["data"]!["id"]!.GetValue<string>();

        using var bob = new ClientWebSocket();
        bob.Options.SetRequestHeader("Authorization", $"Bearer {await gateway.CreateKeyAsync("owner-ws-bob", 100, 100)}");
        var refused = await Record.ExceptionAsync(() => bob.ConnectAsync(Ws($"/api/v1/jobs/{id}/stream"), Ct).WaitAsync(Timeout, Ct));
        using var stranger = new ClientWebSocket();
        var strangerRefused = await Record.ExceptionAsync(() => stranger.ConnectAsync(Ws($"/api/v1/jobs/{id}/stream"), new HttpMessageInvoker(GatewayGraphFixture.HandlerFrom("127.0.0.23")), Ct).WaitAsync(Timeout, Ct));
        using var owner = new ClientWebSocket();
        owner.Options.SetRequestHeader("Authorization", $"Bearer {aliceKey}");
        await owner.ConnectAsync(Ws($"/api/v1/jobs/{id}/stream"), Ct).WaitAsync(Timeout, Ct);

        Assert.Contains("404", refused?.Message ?? "bob connected");
        Assert.Contains("404", strangerRefused?.Message ?? "an anonymous stranger connected");
        Assert.Equal(WebSocketState.Open, owner.State);
        Assert.Contains("\"status\"", await ReceiveAsync(owner));
        alice.Abort();
        owner.Abort();
    }

    /// <summary>What one caller learns of an id on every read path, as text (status and body of each).</summary>
    private static async Task<string> ReadAllAsync(HttpClient http, string id)
    {
        var token = Guid.ParseExact(id, "N").ToString("D");
        var answers = new StringBuilder();
        foreach (var path in new[] { $"/api/v1/jobs/{id}", $"/api/v1/jobs?ids={id}", $"/judge0/submissions/{token}", $"/judge0/submissions/batch?tokens={token}" })
        {
            using var response = await http.GetAsync(path, Ct).WaitAsync(Timeout, Ct);
            answers.Append($"{path.Split('?')[0].Replace(id, "ID").Replace(token, "TOKEN")} {(int)response.StatusCode} {Normalize(await response.Content.ReadAsStringAsync(Ct))}\n");
        }
        foreach (var path in new[] { $"/api/v1/jobs/{id}", $"/judge0/submissions/{token}" })
        {
            using var response = await http.DeleteAsync(path, Ct).WaitAsync(Timeout, Ct);
            answers.Append($"DELETE {path.Replace(id, "ID").Replace(token, "TOKEN")} {(int)response.StatusCode} {Normalize(await response.Content.ReadAsStringAsync(Ct))}\n");
        }
        using var sse = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{id}/stream") { Headers = { { "Accept", "text/event-stream" } } };
        using var stream = await http.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead, Ct).WaitAsync(Timeout, Ct);
        answers.Append($"stream {(int)stream.StatusCode} {stream.Content.Headers.ContentType?.MediaType}\n");
        return answers.ToString().Replace(token, "TOKEN");
    }

    // A problem's traceId differs per request; nothing else may.
    private static string Normalize(string body) =>
        System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", "\"traceId\":\"…\"");

    private static async Task<string> SubmitAsync(HttpClient http, string code)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/jobs", new { language = "python", code }, Ct).WaitAsync(Timeout, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;
    }

    private Uri Ws(string path) => new UriBuilder(gateway.Replicas[0]) { Scheme = "ws", Path = path }.Uri;

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer), Ct).WaitAsync(Timeout, Ct);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
