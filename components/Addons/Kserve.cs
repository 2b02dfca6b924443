using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Policy.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>A Gateway API Gateway that KServe attaches its HTTPRoutes to.</summary>
/// <param name="Name">Gateway name.</param>
/// <param name="Namespace">Gateway namespace.</param>
/// <param name="Domain">
/// The DNS domain the gateway's listener serves; InferenceServices get host names <c>NAME-NAMESPACE.DOMAIN</c>.
/// Null keeps the chart's default (<c>example.com</c>), which only suits clients that set the Host header.
/// </param>
/// <param name="Https">
/// True when the gateway serves routes over HTTPS only: InferenceService URLs then say <c>https</c> (the plain
/// HTTP listener only redirects).
/// </param>
public sealed record GatewayRef(string Name, string Namespace, string? Domain = null, bool Https = false);

/// <summary>Inputs of <see cref="Kserve"/>.</summary>
public sealed class KserveArgs
{
    /// <summary>The controller's namespace (<c>kserve</c>), from the tenancy layer.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>What must exist before anything is installed: the namespace component with its guard rails.</summary>
    public required Resource NamespaceReady { get; init; }

    /// <summary>The cert-manager release: KServe's webhook certificates are cert-manager Certificates.</summary>
    public Resource? CertManager { get; init; }

    /// <summary>The shared Gateway for inference routes; null leaves InferenceServices cluster-internal.</summary>
    public GatewayRef? Gateway { get; init; }

    /// <summary>
    /// The shared Gateway object (after the Gateway API CRDs): with the Gateway API enabled the controller watches
    /// HTTPRoutes from its start, and fails to start while their CRD is missing.
    /// </summary>
    public Resource? GatewayReady { get; init; }

    /// <summary>Labels of the objects the platform creates directly.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// KServe in Standard (raw deployment) mode: the CRD chart, then the controller chart (no Knative, no Istio;
/// routes through the Gateway API when a gateway is given), then an optional sample vLLM InferenceService.
/// Metrics: the controller's metrics are served by kube-rbac-proxy on Service
/// <c>kserve-controller-manager-metrics-service</c> (labels <c>app.kubernetes.io/name: kserve</c>,
/// <c>control-plane: kserve-controller-manager</c>), port <c>https</c> 8443, path <c>/metrics</c>, behind Kubernetes
/// authentication. vLLM predictors serve <c>/metrics</c> on their container port 8080.
/// </summary>
public sealed class Kserve : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Kserve";

    /// <summary>Installs KServe.</summary>
    public Kserve(string name, KserveArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var crdOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady } };
        CrdRelease = HelmReleases.Create("kserve-crd", VersionCatalog.KserveCrd, args.Namespace, new InputMap<object>(), crdOptions);

        var resourcesOptions = new CustomResourceOptions { Parent = this, DependsOn = { args.NamespaceReady, CrdRelease } };
        if (args.CertManager is { } certManager)
        {
            resourcesOptions.DependsOn.Add(certManager);
        }

        if (args.Gateway is not null && args.GatewayReady is { } gatewayReady)
        {
            resourcesOptions.DependsOn.Add(gatewayReady);
        }

        ResourcesRelease = HelmReleases.Create(
            "kserve-resources", VersionCatalog.KserveResources, args.Namespace, ResourcesValues(args.Gateway), resourcesOptions);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["crdVersion"] = VersionCatalog.KserveCrd.Version,
            ["version"] = VersionCatalog.KserveResources.Version,
        });
    }

    /// <summary>The KServe CRD release.</summary>
    public K8s.Helm.V3.Release CrdRelease { get; }

    /// <summary>The KServe controller release.</summary>
    public K8s.Helm.V3.Release ResourcesRelease { get; }

    /// <summary>
    /// The values of the <c>kserve-resources</c> chart: Standard mode as the default deployment mode, no Istio
    /// virtual hosts, and either HTTPRoutes on the shared Gateway or no ingress objects at all (the chart's
    /// default ingress class is Istio's).
    /// </summary>
    public static ImmutableDictionary<string, object> ResourcesValues(GatewayRef? gateway)
    {
        var gatewayValues = new Dictionary<string, object>
        {
            ["disableIstioVirtualHost"] = true,
            ["disableIngressCreation"] = gateway is null,
        };
        if (gateway?.Domain is { } domain)
        {
            gatewayValues["domain"] = domain;
        }

        if (gateway is { Https: true })
        {
            gatewayValues["urlScheme"] = "https";
        }

        if (gateway is not null)
        {
            gatewayValues["ingressGateway"] = new Dictionary<string, object>
            {
                ["enableGatewayApi"] = true,
                ["kserveGateway"] = $"{gateway.Namespace}/{gateway.Name}",

                // The platform-services layer owns the shared Gateway; KServe must not create its own.
                ["createGateway"] = false,
            };
        }

        return ImmutableDictionary<string, object>.Empty.Add("kserve", new Dictionary<string, object>
        {
            ["controller"] = new Dictionary<string, object>
            {
                ["deploymentMode"] = VllmInferenceService.StandardMode,
                ["gateway"] = gatewayValues,
            },
        });
    }
}
