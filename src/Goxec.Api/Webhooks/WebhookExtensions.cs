using Goxec.Api.Gateway;
using Goxec.Api.Webhooks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

internal static class WebhookExtensions
{
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(GatewayOptions.Section)
            .Validate(o => o.IsValid, "Gateway webhook settings: WebhookAttempts 1..20, WebhookConcurrency 1..1000, a positive WebhookTimeout.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookSender>();
        WebhookSender.Configure(builder.Services);
        builder.Services.AddSingleton<ICallbackFormat, GoxecCallbackFormat>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}
