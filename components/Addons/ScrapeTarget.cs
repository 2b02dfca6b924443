using System.Collections.Immutable;

namespace MlPlatform.Components.Addons;

/// <summary>
/// A metrics endpoint Prometheus scrapes, rendered as a ServiceMonitor (or a PodMonitor for pods without a
/// Service). The selectors name the labels the upstream charts and operators really put on their Services.
/// </summary>
public sealed record ScrapeTarget
{
    /// <summary>Object name, unique in the monitoring namespace.</summary>
    public required string Name { get; init; }

    /// <summary>The namespace the Services (or pods) live in.</summary>
    public required string Namespace { get; init; }

    /// <summary>Labels the Service (or pod) must carry.</summary>
    public ImmutableDictionary<string, string> MatchLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Label keys the Service must carry, whatever their value.</summary>
    public ImmutableArray<string> MatchKeys { get; init; } = [];

    /// <summary>The named port to scrape; null when <see cref="TargetPort"/> is used.</summary>
    public string? Port { get; init; }

    /// <summary>The container port number to scrape, for Services whose port names are not stable.</summary>
    public int? TargetPort { get; init; }

    /// <summary>The metrics path.</summary>
    public string Path { get; init; } = "/metrics";

    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>Authenticate with Prometheus's service account token (endpoints behind Kubernetes authn/authz).</summary>
    public bool ServiceAccountAuth { get; init; }

    /// <summary>The <c>job</c> label the samples get, for alerts that must not depend on Service names; null keeps the default.</summary>
    public string? Job { get; init; }

    /// <summary>Scrape pods directly (PodMonitor) rather than through a Service.</summary>
    public bool Pods { get; init; }

    /// <summary>Scrape interval.</summary>
    public string Interval { get; init; } = "30s";

    /// <summary>The ServiceMonitor or PodMonitor kind.</summary>
    public string Kind => Pods ? "PodMonitor" : "ServiceMonitor";

    /// <summary>The ServiceMonitor / PodMonitor spec.</summary>
    public Dictionary<string, object> Spec()
    {
        var endpoint = new Dictionary<string, object> { ["path"] = Path, ["interval"] = Interval, ["scheme"] = Scheme };
        if (Port is not null)
        {
            endpoint["port"] = Port;
        }
        else if (TargetPort is { } number)
        {
            endpoint[Pods ? "portNumber" : "targetPort"] = number;
        }

        if (ServiceAccountAuth)
        {
            // The controller-runtime metrics endpoints check the caller with a TokenReview and SubjectAccessReview;
            // kube-prometheus-stack grants Prometheus `get` on the /metrics non-resource URL. Their certificate is
            // self-signed by the controller, hence no CA to verify against.
            endpoint["bearerTokenFile"] = "/var/run/secrets/kubernetes.io/serviceaccount/token";
            endpoint["tlsConfig"] = new Dictionary<string, object> { ["insecureSkipVerify"] = true };
        }

        if (Job is not null)
        {
            endpoint["relabelings"] = new object[]
            {
                new Dictionary<string, object> { ["action"] = "replace", ["targetLabel"] = "job", ["replacement"] = Job },
            };
        }

        var selector = new Dictionary<string, object>();
        if (!MatchLabels.IsEmpty)
        {
            selector["matchLabels"] = MatchLabels.ToDictionary(l => l.Key, l => (object)l.Value);
        }

        if (!MatchKeys.IsEmpty)
        {
            selector["matchExpressions"] = MatchKeys
                .Select(k => (object)new Dictionary<string, object> { ["key"] = k, ["operator"] = "Exists" })
                .ToArray();
        }

        return new()
        {
            ["namespaceSelector"] = new Dictionary<string, object> { ["matchNames"] = new[] { Namespace } },
            ["selector"] = selector,
            [Pods ? "podMetricsEndpoints" : "endpoints"] = new object[] { endpoint },
        };
    }
}
