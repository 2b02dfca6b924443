namespace MlPlatform.Components.Workloads;

/// <summary>
/// The Gateway API HTTPRoute that splits a service's requests between its stable and canary Services by weight
/// (for example 90/10). gRPC is carried as HTTP/2 by the same route (the backends' <c>appProtocol</c> says so).
/// </summary>
public static class CanaryRoute
{
    /// <summary>The route <c>spec</c>.</summary>
    /// <param name="service">The stable Service (the canary's is <c>NAME-canary</c>).</param>
    /// <param name="port">The Service port.</param>
    /// <param name="canary">The canary.</param>
    public static Dictionary<string, object> Spec(string service, int port, WorkloadCanary canary)
    {
        var spec = new Dictionary<string, object>
        {
            ["parentRefs"] = new object[]
            {
                new Dictionary<string, object> { ["name"] = canary.GatewayName, ["namespace"] = canary.GatewayNamespace },
            },
            ["rules"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["backendRefs"] = new object[]
                    {
                        Backend(service, port, 100 - canary.WeightPercent),
                        Backend(ServiceWorkload.CanaryName(service), port, canary.WeightPercent),
                    },
                },
            },
        };
        if (!canary.Hostnames.IsEmpty)
        {
            spec["hostnames"] = canary.Hostnames.ToArray();
        }

        return spec;
    }

    private static Dictionary<string, object> Backend(string name, int port, int weight) => new()
    {
        ["name"] = name,
        ["port"] = port,
        ["weight"] = weight,
    };
}
