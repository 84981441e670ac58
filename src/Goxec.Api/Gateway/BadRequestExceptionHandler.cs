using Microsoft.AspNetCore.Diagnostics;

namespace Goxec.Api.Gateway;

/// <summary>
/// Kestrel and the framework throw <see cref="BadHttpRequestException"/> for what the client got wrong
/// (a body over MaxRequestBodySize → 413, a truncated body → 400, a slow upload → 408). Left alone these
/// would surface as 500s; they are answered with their own status as problems.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        context.Response.StatusCode = bad.StatusCode;
        var (field, title) = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? ("body", "The request body is too large.")
            : ("body", "The request could not be read.");
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = title,
                Detail = bad.Message,
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [field] = [bad.Message] } },
            },
        });
    }
}
