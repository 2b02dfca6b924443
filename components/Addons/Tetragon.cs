using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Addons;

/// <summary>Inputs of <see cref="Tetragon"/>.</summary>
public sealed class TetragonArgs
{
    /// <summary>The namespace (<c>tetragon</c>), created by the tenancy layer at the Pod Security level privileged.</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The PriorityClass of the agents and the operator; null keeps the cluster default.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary>The namespaces the policies apply to (serving, workflows, teams); each gets the four policies.</summary>
    public ImmutableArray<string> PolicyNamespaces { get; init; } = [];

    /// <summary>The objects each namespace's policies must wait for (the namespaces themselves).</summary>
    public ImmutableDictionary<string, Resource> NamespaceResources { get; init; } = ImmutableDictionary<string, Resource>.Empty;

    /// <summary>Labels of the objects the component creates.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Tetragon, eBPF runtime security from the Cilium project: the agent on every node (a privileged DaemonSet on the
/// host network with the host's BPF file system and /proc, as the chart requires) and its operator, with the CRDs installed by the release
/// (so that the policies can wait for it), and the platform's four <see cref="TetragonPolicies"/> as
/// TracingPolicyNamespaced objects in each workload namespace. Events are counted in the agent's metrics (port 2112,
/// scraped by the platform's ServiceMonitor) and written as JSON to the export file, which the chart's
/// <c>export-stdout</c> container prints: the node log collector ships it to Loki like any pod log.
/// </summary>
/// <remarks>
/// Tetragon attaches its own kprobes and needs no particular CNI: it runs next to Cilium (AKS's Azure CNI powered
/// by Cilium, GKE Dataplane V2) and next to the AWS VPC CNI alike. It needs a kernel with BTF
/// (<c>/sys/kernel/btf/vmlinux</c>, kernel 5.4 or later): Amazon Linux 2023 and Bottlerocket on EKS, Azure Linux and
/// Ubuntu on AKS and Container-Optimized OS (milestone 97 and later, every image of the GKE versions the platform
/// supports) all ship it.
/// </remarks>
public sealed class Tetragon : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:addons:Tetragon";

    /// <summary>The Helm release name.</summary>
    public const string ReleaseName = "tetragon";

    /// <summary>The agent's metrics port (the chart's Service port <c>metrics</c>).</summary>
    public const int MetricsPort = 2112;

    /// <summary>The export file, in the chart's export directory, that the <c>export-stdout</c> container prints.</summary>
    public const string ExportFile = "tetragon.log";

    /// <summary>Creates the release and the policies.</summary>
    public Tetragon(string name, TetragonArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        Release = HelmReleases.Create(ReleaseName, VersionCatalog.Tetragon, args.Namespace, Values(args).ToImmutableDictionary(), AddonResources.Child(this, options));
        var policies = ImmutableArray.CreateBuilder<K8s.ApiExtensions.CustomResource>();
        foreach (var ns in args.PolicyNamespaces)
        {
            // The CRDs come with the release; each namespace must exist before its policies.
            var after = args.NamespaceResources.TryGetValue(ns, out var namespaceResource) ? namespaceResource : null;
            foreach (var policy in TetragonPolicies.All)
            {
                policies.Add(new K8s.ApiExtensions.CustomResource($"{name}-{ns}-{policy.Name}", new KubernetesObjectArgs(
                    "cilium.io/v1alpha1", "TracingPolicyNamespaced",
                    AddonResources.Metadata(policy.Name, ns, args.Labels), policy.Spec().ToImmutableDictionary()),
                    AddonResources.Child(this, options, Release, after)));
            }
        }

        Policies = policies.ToImmutable();
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["releaseName"] = Release.Name,
            ["version"] = VersionCatalog.Tetragon.Version,
            ["policyNamespaces"] = args.PolicyNamespaces.ToArray(),
        });
    }

    /// <summary>The Helm release.</summary>
    public K8s.Helm.V3.Release Release { get; }

    /// <summary>The TracingPolicyNamespaced objects, four per namespace.</summary>
    public ImmutableArray<K8s.ApiExtensions.CustomResource> Policies { get; }

    /// <summary>The chart values.</summary>
    public static Dictionary<string, object> Values(TetragonArgs args)
    {
        var agent = new Dictionary<string, object>
        {
            ["resources"] = Resources("100m", "256Mi", "1Gi"),
            ["prometheus"] = new Dictionary<string, object>
            {
                ["enabled"] = true,
                ["port"] = MetricsPort,

                // The platform's ServiceMonitor scrapes the agents (PlatformScrapeTargets.Tetragon), not the chart's.
                ["serviceMonitor"] = new Dictionary<string, object> { ["enabled"] = false },
            },
            ["exportFilename"] = ExportFile,
        };

        var operatorValues = new Dictionary<string, object> { ["replicas"] = 1 };
        var values = new Dictionary<string, object>
        {
            ["tetragon"] = agent,
            ["tetragonOperator"] = operatorValues,

            // The release owns the CRDs (rather than the operator at start-up), so that the policies can depend on it.
            ["crds"] = new Dictionary<string, object> { ["installMethod"] = "helm" },
            ["export"] = new Dictionary<string, object>
            {
                ["mode"] = "stdout",
                ["resources"] = Resources("10m", "32Mi", "128Mi"),
            },
        };

        if (args.PriorityClassName is not null)
        {
            values["priorityClassName"] = args.PriorityClassName;
            operatorValues["priorityClassName"] = args.PriorityClassName;
        }

        return values;
    }

    private static Dictionary<string, object> Resources(string cpu, string memoryRequest, string memoryLimit) => new()
    {
        ["requests"] = new Dictionary<string, object> { ["cpu"] = cpu, ["memory"] = memoryRequest },
        ["limits"] = new Dictionary<string, object> { ["memory"] = memoryLimit },
    };
}
