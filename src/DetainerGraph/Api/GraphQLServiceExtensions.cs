using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;

namespace DetainerGraph.Api;

public static class GraphQLServiceExtensions
{
    public static IServiceCollection AddDetainerGraphQL(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton(_ => configuration.GetSection("GraphQL:Paging").Get<PagingOptions>() ?? new PagingOptions());
        services.AddScoped<BatchLoaders>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        services.AddGraphQL(b => b
            .AddSchema<DetainerSchema>()
            .AddSystemTextJson()
            .AddGraphTypes(typeof(DetainerSchema).Assembly)
            // Resolvers share the request's DbContext, which is not thread-safe: run them one at a time.
            .AddExecutionStrategy<SerialExecutionStrategy>(OperationType.Query)
            .AddErrorInfoProvider(o => o.ExposeExceptionDetails = environment.IsDevelopment()));
        return services;
    }

    public static IEndpointRouteBuilder MapDetainerGraphQL(this IEndpointRouteBuilder endpoints, string path = "/graphql")
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<GraphQLHttpEndpoint>();
        endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], endpoint.HandleAsync);
        return endpoints;
    }
}
