using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="EnvoyGateway"/>.</summary>
public sealed class EnvoyGatewayArgs
{
    /// <summary>The namespace of the controller, the proxies and the shared Gateway (from the tenancy layer).</summary>
    public required string Namespace { get; init; }

    /// <summary>Two controller and two proxy replicas, each with a PodDisruptionBudget.</summary>
    public bool HighAvailability { get; init; }

    /// <summary>The PriorityClass of the add-on's pods (the platform's <c>system-critical</c> tier); null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The host name the listeners answer for (may be a <c>*.</c> wildcard); null for any host.</summary>
    public string? Hostname { get; init; }

    /// <summary>The cert-manager ClusterIssuer of the HTTPS listener's certificate; null for HTTP only.</summary>
    public string? TlsClusterIssuer { get; init; }

    /// <summary>
    /// Called once with the chart's release (which installs the Gateway API CRDs) when the HTTPS listener is on;
    /// the Certificate waits for what it returns (the issuer, after cert-manager). This lets cert-manager start
    /// after the Gateway API CRDs, which its HTTP-01 solver on the Gateway needs, while the certificate still
    /// waits for cert-manager. Null: the Certificate waits for the release only.
    /// </summary>
    public Func<Resource, Resource>? CertificateIssuer { get; init; }

    /// <summary>
    /// The namespace roles (<c>mlplatform.io/role</c>) whose routes may attach to the Gateway. Defaults to
    /// <c>serving</c>: model endpoints are the only thing published by default.
    /// </summary>
    public ImmutableArray<string> RouteRoles { get; init; } = ["serving"];

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The proxy Service's <c>loadBalancerClass</c> (the cloud's load balancer controller); null for the cluster default.</summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>The proxy Service's annotations (the cloud's load balancer settings; values may be outputs).</summary>
    public InputMap<string> ServiceAnnotations { get; init; } = [];

    /// <summary>Who the load balancer admits (the Service's <c>loadBalancerSourceRanges</c>); empty admits anyone.</summary>
    public ImmutableArray<string> LoadBalancerSourceRanges { get; init; } = [];
}

/// <summary>
/// The Gateway API ingress: Envoy Gateway (which installs the Gateway API CRDs), an EnvoyProxy that sizes the data
/// plane, the platform's GatewayClass, and one shared Gateway that serving routes attach to, with an HTTP listener
/// and, when configured, an HTTPS listener whose certificate cert-manager issues.
/// </summary>
public sealed class EnvoyGateway : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:EnvoyGateway";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "envoy-gateway";

    /// <summary>The controller name of Envoy Gateway, as the GatewayClass names it.</summary>
    public const string ControllerName = "gateway.envoyproxy.io/gatewayclass-controller";

    /// <summary>The GatewayClass name.</summary>
    public const string GatewayClassName = "mlplatform";

    /// <summary>The shared Gateway's name.</summary>
    public const string GatewayName = "platform-gateway";

    /// <summary>The EnvoyProxy that parameterises the GatewayClass.</summary>
    public const string ProxyConfigName = "platform-proxy";

    /// <summary>The HTTPRoute that redirects plain HTTP to HTTPS when TLS is on.</summary>
    public const string RedirectRouteName = "redirect-to-https";

    /// <summary>The secret the HTTPS certificate is stored in.</summary>
    public const string TlsSecretName = "platform-gateway-tls";

    /// <summary>Creates the release, the class and the gateway.</summary>
    public EnvoyGateway(string name, EnvoyGatewayArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Https = ServesHttps(args);
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.EnvoyGateway, args.Namespace, Values(args), AddonResources.Child(this, options));

        // Everything below is a custom resource of the CRDs the chart installs.
        var afterRelease = AddonResources.Child(this, options, Release);
        var proxySpec = args.ServiceAnnotations.ToOutput()
            .Apply(annotations => ProxySpec(args, annotations).ToImmutableDictionary());
        ProxyConfig = new K8s.ApiExtensions.CustomResource($"{name}-proxy", new KubernetesObjectArgs(
            "gateway.envoyproxy.io/v1alpha1", "EnvoyProxy",
            AddonResources.Metadata(ProxyConfigName, args.Namespace, args.Labels), proxySpec), afterRelease);

        GatewayClass = new K8s.ApiExtensions.CustomResource($"{name}-class", new KubernetesObjectArgs(
            "gateway.networking.k8s.io/v1", "GatewayClass",
            AddonResources.Metadata(GatewayClassName, null, args.Labels), GatewayClassSpec(args.Namespace)),
            AddonResources.Child(this, options, Release, ProxyConfig));

        if (args.TlsClusterIssuer is not null && args.Hostname is not null)
        {
            Certificate = new K8s.ApiExtensions.CustomResource($"{name}-certificate", new KubernetesObjectArgs(
                "cert-manager.io/v1", "Certificate",
                AddonResources.Metadata(TlsSecretName, args.Namespace, args.Labels), CertificateSpec(args.Hostname, args.TlsClusterIssuer)),
                AddonResources.Child(this, options, Release, args.CertificateIssuer?.Invoke(Release)));
        }

        Gateway = new K8s.ApiExtensions.CustomResource($"{name}-gateway", new KubernetesObjectArgs(
            "gateway.networking.k8s.io/v1", "Gateway",
            AddonResources.Metadata(GatewayName, args.Namespace, args.Labels), GatewaySpec(args)),
            AddonResources.Child(this, options, GatewayClass, Certificate));

        if (Certificate is not null)
        {
            RedirectRoute = new K8s.ApiExtensions.CustomResource($"{name}-redirect", new KubernetesObjectArgs(
                "gateway.networking.k8s.io/v1", "HTTPRoute",
                AddonResources.Metadata(RedirectRouteName, args.Namespace, args.Labels), RedirectRouteSpec(args.Namespace)),
                AddonResources.Child(this, options, Gateway));
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["gatewayName"] = GatewayName,
            ["gatewayNamespace"] = args.Namespace,
        });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The EnvoyProxy parameters of the class.</summary>
    public K8s.ApiExtensions.CustomResource ProxyConfig { get; }

    /// <summary>The GatewayClass.</summary>
    public K8s.ApiExtensions.CustomResource GatewayClass { get; }

    /// <summary>The shared Gateway.</summary>
    public K8s.ApiExtensions.CustomResource Gateway { get; }

    /// <summary>True when the Gateway serves routes over HTTPS only (plain HTTP redirects).</summary>
    public bool Https { get; }

    /// <summary>True when the arguments give the Gateway an HTTPS listener: a host name and a certificate issuer.</summary>
    public static bool ServesHttps(EnvoyGatewayArgs args) => args.TlsClusterIssuer is not null && args.Hostname is not null;

    /// <summary>The HTTPS certificate, when TLS is on.</summary>
    public K8s.ApiExtensions.CustomResource? Certificate { get; }

    /// <summary>The HTTP-to-HTTPS redirect, when TLS is on.</summary>
    public K8s.ApiExtensions.CustomResource? RedirectRoute { get; }

    /// <summary>The labels of the controller's pods (<c>control-plane</c> and the chart's selector labels).</summary>
    public static IReadOnlyDictionary<string, string> ControllerPodLabels { get; } = TopologySpread.Labels(
        ("control-plane", "envoy-gateway"), ("app.kubernetes.io/name", "gateway-helm"), ("app.kubernetes.io/instance", ReleaseName));

    /// <summary>
    /// The labels Envoy Gateway puts on every proxy pod; with <see cref="ProxyGatewayLabelKeys"/> they single out the
    /// proxies of one Gateway.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProxyPodLabels { get; } = TopologySpread.Labels(
        ("app.kubernetes.io/name", "envoy"), ("app.kubernetes.io/component", "proxy"), ("app.kubernetes.io/managed-by", "envoy-gateway"));

    /// <summary>The proxy pod labels naming their Gateway (one EnvoyProxy parameterises every Gateway of the class).</summary>
    public static IReadOnlyList<string> ProxyGatewayLabelKeys { get; } =
        ["gateway.envoyproxy.io/owning-gateway-name", "gateway.envoyproxy.io/owning-gateway-namespace"];

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(EnvoyGatewayArgs args)
    {
        var deployment = new Dictionary<string, object> { ["replicas"] = args.HighAvailability ? 2 : 1 };
        if (args.PriorityClassName is not null)
        {
            deployment["priorityClassName"] = args.PriorityClassName;
        }

        var values = new Dictionary<string, object>
        {
            ["deployment"] = deployment,
            ["config"] = new Dictionary<string, object>
            {
                ["envoyGateway"] = new Dictionary<string, object>
                {
                    ["gateway"] = new Dictionary<string, object> { ["controllerName"] = ControllerName },
                },
            },
        };
        if (args.HighAvailability)
        {
            // The template renders the budget only for an integer bound >= 1; its default minAvailable: 0 stays off.
            values["podDisruptionBudget"] = new Dictionary<string, object> { ["maxUnavailable"] = 1 };
            deployment["pod"] = new Dictionary<string, object> { ["topologySpreadConstraints"] = TopologySpread.Constraints(ControllerPodLabels) };
        }

        return values;
    }

    /// <summary>
    /// The EnvoyProxy spec: data-plane replicas, priority, spread and disruption budget, and the proxy Service the
    /// cloud's load balancer fronts (its class, annotations and source ranges), which Envoy Gateway creates and keeps
    /// in sync.
    /// </summary>
    public static Dictionary<string, object> ProxySpec(EnvoyGatewayArgs args, IReadOnlyDictionary<string, string>? serviceAnnotations = null)
    {
        var pod = new Dictionary<string, object>();
        if (args.PriorityClassName is not null)
        {
            pod["priorityClassName"] = args.PriorityClassName;
        }

        var deployment = new Dictionary<string, object> { ["replicas"] = args.HighAvailability ? 2 : 1 };
        var kubernetes = new Dictionary<string, object> { ["envoyDeployment"] = deployment };
        if (args.HighAvailability)
        {
            // Envoy Gateway copies the constraints as given; its own budget selects the proxies of each Gateway.
            pod["topologySpreadConstraints"] = TopologySpread.Constraints(ProxyPodLabels, ProxyGatewayLabelKeys);
            kubernetes["envoyPDB"] = new Dictionary<string, object> { ["maxUnavailable"] = 1 };
        }

        if (pod.Count > 0)
        {
            deployment["pod"] = pod;
        }

        var service = new Dictionary<string, object>();
        if (args.LoadBalancerClass is not null)
        {
            service["loadBalancerClass"] = args.LoadBalancerClass;
        }

        if (serviceAnnotations is { Count: > 0 })
        {
            service["annotations"] = serviceAnnotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => (object)a.Value);
        }

        if (!args.LoadBalancerSourceRanges.IsDefaultOrEmpty)
        {
            service["loadBalancerSourceRanges"] = args.LoadBalancerSourceRanges.ToArray();
        }

        if (service.Count > 0)
        {
            service["type"] = "LoadBalancer";
            kubernetes["envoyService"] = service;
        }

        return new()
        {
            ["provider"] = new Dictionary<string, object> { ["type"] = "Kubernetes", ["kubernetes"] = kubernetes },
        };
    }

    /// <summary>The GatewayClass spec, pointing at Envoy Gateway and the platform's EnvoyProxy.</summary>
    public static Dictionary<string, object> GatewayClassSpec(string @namespace) => new()
    {
        ["controllerName"] = ControllerName,
        ["parametersRef"] = new Dictionary<string, object>
        {
            ["group"] = "gateway.envoyproxy.io",
            ["kind"] = "EnvoyProxy",
            ["name"] = ProxyConfigName,
            ["namespace"] = @namespace,
        },
    };

    /// <summary>
    /// The Gateway spec: routes attach only from namespaces of the allowed roles. Without TLS there is one HTTP
    /// listener; with TLS the routes attach to the HTTPS listener and the HTTP one only takes the redirect route of
    /// the gateway's own namespace, so that no model endpoint answers in clear text.
    /// </summary>
    public static Dictionary<string, object> GatewaySpec(EnvoyGatewayArgs args)
    {
        var tls = ServesHttps(args);
        var http = Listener("http", "HTTP", 80, args);
        if (tls)
        {
            http["allowedRoutes"] = new Dictionary<string, object> { ["namespaces"] = new Dictionary<string, object> { ["from"] = "Same" } };
        }

        var listeners = new List<object> { http };
        if (tls)
        {
            var https = Listener("https", "HTTPS", 443, args);
            https["tls"] = new Dictionary<string, object>
            {
                ["mode"] = "Terminate",
                ["certificateRefs"] = new object[] { new Dictionary<string, object> { ["kind"] = "Secret", ["name"] = TlsSecretName } },
            };
            listeners.Add(https);
        }

        return new() { ["gatewayClassName"] = GatewayClassName, ["listeners"] = listeners };
    }

    /// <summary>The HTTPRoute on the HTTP listener that answers every request with a permanent redirect to HTTPS.</summary>
    public static Dictionary<string, object> RedirectRouteSpec(string @namespace) => new()
    {
        ["parentRefs"] = new object[]
        {
            new Dictionary<string, object> { ["name"] = GatewayName, ["namespace"] = @namespace, ["sectionName"] = "http" },
        },
        ["rules"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["filters"] = new object[]
                {
                    new Dictionary<string, object>
                    {
                        ["type"] = "RequestRedirect",
                        ["requestRedirect"] = new Dictionary<string, object> { ["scheme"] = "https", ["statusCode"] = 301 },
                    },
                },
            },
        },
    };

    /// <summary>The Certificate spec of the HTTPS listener.</summary>
    public static Dictionary<string, object> CertificateSpec(string hostname, string clusterIssuer) => new()
    {
        ["secretName"] = TlsSecretName,
        ["dnsNames"] = new[] { hostname },
        ["issuerRef"] = new Dictionary<string, object> { ["name"] = clusterIssuer, ["kind"] = "ClusterIssuer", ["group"] = "cert-manager.io" },
        ["privateKey"] = new Dictionary<string, object> { ["algorithm"] = "ECDSA", ["size"] = 256, ["rotationPolicy"] = "Always" },
    };

    private static Dictionary<string, object> Listener(string name, string protocol, int port, EnvoyGatewayArgs args)
    {
        var listener = new Dictionary<string, object>
        {
            ["name"] = name,
            ["protocol"] = protocol,
            ["port"] = port,
            ["allowedRoutes"] = new Dictionary<string, object>
            {
                ["namespaces"] = new Dictionary<string, object>
                {
                    ["from"] = "Selector",
                    ["selector"] = new Dictionary<string, object>
                    {
                        ["matchExpressions"] = new object[]
                        {
                            new Dictionary<string, object>
                            {
                                ["key"] = PlatformLabels.Role,
                                ["operator"] = "In",
                                ["values"] = args.RouteRoles.ToArray(),
                            },
                        },
                    },
                },
            },
        };
        if (args.Hostname is not null)
        {
            listener["hostname"] = args.Hostname;
        }

        return listener;
    }
}
