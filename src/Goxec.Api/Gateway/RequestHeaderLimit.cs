using Microsoft.Extensions.Options;

namespace Goxec.Api.Gateway;

/// <summary>
/// Refuses requests whose headers together exceed Gateway:MaxRequestHeadersBytes with a 431 problem
/// naming the sizes. Kestrel's own cap sits well above it as a backstop: Kestrel answers before any
/// middleware runs and so cannot say what was wrong.
/// </summary>
internal sealed class RequestHeaderLimit(RequestDelegate next, IOptions<GatewayOptions> options)
{
    /// <summary>Kestrel's cap: a few times ours, so only absurd requests meet the bare answer.</summary>
    public static int KestrelBackstop(GatewayOptions gateway) => Math.Max(4 * gateway.MaxRequestHeadersBytes, 64 * 1024);

    public Task InvokeAsync(HttpContext context)
    {
        var size = Size(context.Request.Headers);
        var limit = options.Value.MaxRequestHeadersBytes;
        if (size <= limit) return next(context);
        return GatewayProblems.WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large",
            $"The request headers take {size} bytes, more than the {limit} this server accepts.");
    }

    /// <summary>The headers as sent on the wire: "name: value\r\n" for each value.</summary>
    internal static long Size(IHeaderDictionary headers)
    {
        long size = 0;
        foreach (var (name, values) in headers)
            foreach (var value in values)
                size += name.Length + (value?.Length ?? 0) + 4;
        return size;
    }
}
