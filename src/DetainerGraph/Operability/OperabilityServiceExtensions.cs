using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DetainerGraph.Operability;

public static class OperabilityServiceExtensions
{
    /// <summary>
    /// Health checks, our traces and metrics, the per-request log line, and the shutdown grace period. The
    /// telemetry is offered to the other wings (search times its engine calls with it); their registrations are theirs.
    /// </summary>
    public static IHostApplicationBuilder AddDetainerOperability(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.TryAddSingleton<DetainerGraphTelemetry>();

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"], timeout: HealthTimeout(configuration))
            .AddCheck<SearchHealthCheck>("search", tags: ["ready"], timeout: HealthTimeout(configuration))
            .AddCheck<IndexLagHealthCheck>("indexLag", tags: ["ready"], timeout: HealthTimeout(configuration));

        // On SIGTERM (docker stop, a rolling deploy) Kestrel stops accepting connections and waits this long
        // for requests in flight; background services (the search outbox worker) are cancelled and awaited
        // within the same period. Keep the orchestrator's grace period longer (compose: stop_grace_period).
        var shutdown = configuration.GetValue("Hosting:ShutdownTimeout", TimeSpan.FromSeconds(30));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown);

        AddOpenTelemetryExport(services, configuration);
        return builder;
    }

    /// <summary><c>/health/live</c>: the process answers (no dependency is asked). <c>/health/ready</c>: database, search engine and index lag.</summary>
    public static IEndpointRouteBuilder MapDetainerHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", HealthResponse.Options("live"));
        endpoints.MapHealthChecks("/health/ready", HealthResponse.Options("ready"));
        return endpoints;
    }

    private static TimeSpan HealthTimeout(IConfiguration configuration) =>
        configuration.GetValue("Hosting:HealthCheckTimeout", TimeSpan.FromSeconds(3));

    /// <summary>
    /// OTLP export of our traces and metrics plus ASP.NET Core's, only when an endpoint is configured:
    /// <c>Telemetry:OtlpEndpoint</c>, or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with the other
    /// <c>OTEL_*</c> variables). Without one, no exporter runs.
    /// </summary>
    private static void AddOpenTelemetryExport(IServiceCollection services, IConfiguration configuration)
    {
        var setting = configuration["Telemetry:OtlpEndpoint"];
        var standard = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(setting) && string.IsNullOrWhiteSpace(standard))
        {
            return;
        }
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["Telemetry:ServiceName"] is { Length: > 0 } name ? name : DetainerGraphTelemetry.Name))
            .WithTracing(t => t.AddSource(DetainerGraphTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(m => m.AddMeter(DetainerGraphTelemetry.Name).AddAspNetCoreInstrumentation());
        if (string.IsNullOrWhiteSpace(setting))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS... as the OpenTelemetry specification says.
            otel.UseOtlpExporter();
        }
        else
        {
            var protocol = configuration["Telemetry:OtlpProtocol"] is { } p && p.Equals("http/protobuf", StringComparison.OrdinalIgnoreCase)
                ? OtlpExportProtocol.HttpProtobuf
                : OtlpExportProtocol.Grpc;
            otel.UseOtlpExporter(protocol, new Uri(setting));
        }
    }
}
