using System.Text.Json;
using Goxec.Api.Webhooks;
using Goxec.Jobs;

namespace Goxec.Api.Compat.Judge0;

/// <summary>
/// Judge0's callback: the submission, with its default fields, PUT to <c>callback_url</c> — base64 when the
/// submission was made with <c>base64_encoded=true</c>, or when its output is not UTF-8 (text could not carry it).
/// </summary>
internal sealed class Judge0CallbackFormat(bool base64, Judge0Languages languages) : ICallbackFormat
{
    public const string TextName = "judge0";
    public const string Base64Name = "judge0-base64";

    public string Name => base64 ? Base64Name : TextName;

    public HttpMethod Method => HttpMethod.Put;

    public byte[] Render(JobView job, JobSpec spec) =>
        JsonSerializer.SerializeToUtf8Bytes(Judge0Submission.Render(job, spec, null, base64, languages) ?? Judge0Submission.Render(job, spec, null, true, languages)!);
}
