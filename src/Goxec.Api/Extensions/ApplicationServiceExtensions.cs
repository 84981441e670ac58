using Goxec.Api.OpenApi;
using Goxec.Api.Jobs;
using Goxec.Jobs;
using Goxec.Languages;

namespace Microsoft.Extensions.Hosting;

internal static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis", configureOptions: JobsRedis.Configure);
        builder.Services.AddJobsLayer();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<Goxec.Api.Extensions.InfrastructureExceptionHandler>();
        builder.Services.AddOptions<JobStoreOptions>().BindConfiguration(JobStoreOptions.Section);
        builder.Services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.Section)
            .Validate(o => o.MaxSourceBytes > 0 && o.MaxStdinBytes >= 0 && o.MaxWait > TimeSpan.Zero, "Submission limits must be positive.")
            .Validate(o => o.LimitsAreConsistent(), "Each default limit must be between 1 and its maximum (Submission:RunDefaults/RunMaxima, CompileDefaults/CompileMaxima).")
            .ValidateOnStart();
        builder.Services.AddSingleton(LanguageCatalog.Load(builder.Configuration)); // eager: a bad descriptor stops the start
        builder.Services.AddOptions<Goxec.Api.Streaming.StreamingOptions>().BindConfiguration(Goxec.Api.Streaming.StreamingOptions.Section)
            .Validate(o => o.MaxQueuedMessages > 0 && o.SendTimeout > TimeSpan.Zero, "Streaming limits must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<Goxec.Api.Streaming.JobEventReader>();
        builder.Services.AddOptions<Goxec.Api.Streaming.InteractiveOptions>().BindConfiguration(Goxec.Api.Streaming.InteractiveOptions.Section)
            .Validate(o => o.MaxMessageBytes > 0 && o.MaxInputBytes > 0 && o.InitTimeout > TimeSpan.Zero, "Interactive limits must be positive.").ValidateOnStart();
        builder.Services.AddSingleton<JobRequestValidator>();
        builder.Services.AddSingleton<JobSubmission>();
        builder.Services.AddSingleton<JobCompletionWaiter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobCompletionWaiter>());
        builder.Services.AddHostedService<QueueInitializer>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, GoxecJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, Goxec.Api.Gateway.GatewayJsonContext.Default);
        });
        builder.Services.AddCompatApis();
        builder.AddGateway();
        builder.AddWebhooks();
        builder.Services.AddOpenApi(o => o.AddApiKeySecurity().DescribeWhatIsSent());
        return builder;
    }
}
