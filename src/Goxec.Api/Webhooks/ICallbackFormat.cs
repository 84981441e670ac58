using System.Text.Json;
using Goxec.Jobs;

namespace Goxec.Api.Webhooks;

/// <summary>
/// What a callback says and how it is sent: chosen per job (<see cref="JobSpec.CallbackFormat"/>), so the Judge0
/// adapter's callbacks go through the same delivery, signing, retries and SSRF guard as Goxec's own.
/// </summary>
internal interface ICallbackFormat
{
    string Name { get; }

    HttpMethod Method { get; }

    byte[] Render(JobView job, JobSpec spec);
}

/// <summary>Goxec's own: the finished job as <c>GET /api/v1/jobs/{id}</c> shows it, POSTed.</summary>
internal sealed class GoxecCallbackFormat : ICallbackFormat
{
    public const string FormatName = "goxec";

    public string Name => FormatName;

    public HttpMethod Method => HttpMethod.Post;

    public byte[] Render(JobView job, JobSpec spec) => JsonSerializer.SerializeToUtf8Bytes(job, GoxecJsonContext.Default.JobView);
}
