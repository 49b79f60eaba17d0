using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;

namespace DetainerGraph.Api;

public static class GraphQLServiceExtensions
{
    /// <summary>
    /// The schema, its execution pipeline and the HTTP endpoint. Options are read from the <c>GraphQL</c>
    /// section when the container is built, so test hosts can override them.
    /// </summary>
    public static IServiceCollection AddDetainerGraphQL(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("GraphQL").Get<GraphQLServerOptions>() ?? new GraphQLServerOptions());
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("GraphQL:Paging").Get<PagingOptions>() ?? new PagingOptions());
        services.AddScoped<BatchLoaders>();
        services.AddScoped<Charges.SearchHitDetainers>();
        services.AddSingleton<Facilities.FacilityCache>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        services.AddSingleton<StoreSize>();
        services.AddHostedService<StoreSizeCounter>();
        services.AddHostedService<Detainers.ResidentDetainerCountsLoader>();
        services.AddSingleton<ScanGate>();
        services.AddSingleton<DocumentCache>();
        services.AddSingleton<AutomaticPersistedQueries>();
        // Before AddGraphQL, which registers GraphQL.NET's validator only when none is.
        services.AddSingleton<GraphQL.Validation.IDocumentValidator, CachedDocumentValidator>();
        services.AddGraphQL(b => b
            .AddSchema<DetainerSchema>()
            .AddSystemTextJson()
            .AddGraphTypes(typeof(DetainerSchema).Assembly)
            // Resolvers share the request's DbContext, which is not thread-safe: run them one at a time (with each
            // object type's fields collected once per selection, not once per object: SerialFieldCollectionCache).
            .AddExecutionStrategy<SerialFieldCollectionCache>(OperationType.Query)
            .AddComplexityAnalyzer((c, sp) =>
            {
                var options = sp.GetRequiredService<GraphQLServerOptions>();
                c.MaxDepth = options.MaxDepth;
                c.MaxComplexity = options.MaxComplexity;
                c.DefaultComplexityImpactDelegate = CostModel.Weigh(c.DefaultComplexityImpactDelegate, sp.GetRequiredService<PagingOptions>(), sp.GetRequiredService<StoreSize>());
                // IDEs fetch the schema with the standard introspection query, 13 levels deep and, by the
                // analyzer's list weighting, far over any data limit. An operation that asks only for the
                // schema is held to its own bounds instead (IntrospectionBounds): its depth, and how many times its
                // aliases repeat the schema; the execution timeout still applies.
                c.ValidateComplexityDelegate = async context =>
                {
                    var total = context.TotalImpact;
                    if (context.Error is not null && IsIntrospectionOnly(context.ValidationContext.Operation)
                        && context.MaxDepth <= options.MaxIntrospectionDepth)
                    {
                        var fanOut = IntrospectionBounds.AliasFanOut(context.ValidationContext.Operation, context.ValidationContext.Document);
                        context.Error = fanOut <= IntrospectionBounds.MaxAliasFanOut
                            ? null
                            : new GraphQL.Validation.ValidationError(
                                $"This schema-only operation repeats parts of the schema through aliases more than {IntrospectionBounds.MaxAliasFanOut} times along one path " +
                                "(the product of the aliases of one field at each level); introspection is exempt from the complexity limit, not from this bound.")
                            { Code = "COMPLEXITY" };
                        // Priced by the copies of the schema it answers, not by the analyzer's list weighting.
                        total = Math.Min(total, fanOut * (double)IntrospectionBounds.CostPerSchemaCopy);
                    }
                    // The operation's cost: recorded for extensions.cost, then charged to the client's token bucket
                    // before anything runs (or, for GraphQL-Cost: validate, the operation stops here).
                    if (context.ValidationContext.UserContext.TryGetValue(RequestCost.Key, out var state) && state is RequestCost cost)
                    {
                        cost.Record(total);
                        if (context.Error is null && cost.ValidateOnly)
                        {
                            context.Error = new GraphQL.Validation.ValidationError("Validated only (GraphQL-Cost: validate).") { Code = RequestCost.ValidatedCode };
                        }
                        else if (context.Error is null && cost.Scans && !await cost.EnterScanAsync(sp.GetRequiredService<ScanGate>(), context.ValidationContext.CancellationToken))
                        {
                            // Before the client is charged: a refused scan costs it nothing.
                            context.Error = new GraphQL.Validation.ValidationError(
                                $"This operation reads the detainers row by row (a filter no index serves, or a count grouped by a dimension no rollup holds), " +
                                $"and the server is running and queueing as many such operations as it allows; retry after {ScanGate.RetryAfterSeconds} s.")
                            { Code = ScanGate.BusyCode };
                        }
                        else if (context.Error is null && !cost.Charge())
                        {
                            context.Error = new GraphQL.Validation.ValidationError(
                                $"This operation costs {total:0} and this client's rate limit cannot pay for it now; retry after {cost.RetryAfterSeconds} s.")
                            { Code = HttpProtection.RateLimitedCode };
                        }
                    }
                };
            })
            .UsePersistedDocuments<TrustedDocumentStore>(GraphQL.DI.ServiceLifetime.Singleton, (o, sp) =>
            {
                o.AllowOnlyPersistedDocuments = sp.GetRequiredService<GraphQLServerOptions>().TrustedDocuments.OnlyTrusted;
                o.AllowedPrefixes.Clear();
                o.AllowedPrefixes.Add("sha256");
            })
            .ConfigureExecution(sp => sp.GetRequiredService<AutomaticPersistedQueries>())
            .ConfigureExecution(sp => sp.GetRequiredService<DocumentCache>())
            .ConfigureExecution(_ => new Corrections.MutationGate())
            .AddErrorInfoProvider(new ClientErrorInfoProvider(new ErrorInfoProviderOptions { ExposeExceptionDetails = environment.IsDevelopment() }))
            .ConfigureExecution(_ => new DocumentLimits())
            .AddErrorReporting(environment)
            .AddValidationRule<IntrospectionSwitch>(useForCachedDocuments: true, GraphQL.DI.ServiceLifetime.Singleton));
        return services;
    }

    public static IEndpointRouteBuilder MapDetainerGraphQL(this IEndpointRouteBuilder endpoints, string path = "/graphql")
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<GraphQLHttpEndpoint>();
        endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], endpoint.HandleAsync);
        return endpoints;
    }

    private static bool IsIntrospectionOnly(GraphQLOperationDefinition operation) =>
        operation.SelectionSet.Selections.All(s => s is GraphQLField field && field.Name.StringValue.StartsWith("__", StringComparison.Ordinal));
}
