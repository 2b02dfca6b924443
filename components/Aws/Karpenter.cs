using System.Collections.Immutable;
using MlPlatform.Components.Addons;
using MlPlatform.Components.Kubernetes;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using KubernetesCustomResource = Pulumi.Kubernetes.ApiExtensions.CustomResource;

namespace MlPlatform.Components.Aws;

/// <summary>The Karpenter controller's settings (the Helm values the platform sets).</summary>
/// <param name="ClusterName">The cluster.</param>
/// <param name="InterruptionQueue">The SQS interruption queue's name.</param>
/// <param name="ServiceAccount">The controller's service account (the one its IRSA role trusts).</param>
/// <param name="Replicas">Controller replicas (two in production: leader election, no gap on node loss).</param>
/// <param name="SystemNodeSelector">Labels of the nodes the controller runs on (never nodes it manages).</param>
public sealed record KarpenterControllerSettings(
    string ClusterName,
    string InterruptionQueue,
    string ServiceAccount,
    int Replicas,
    ImmutableDictionary<string, string> SystemNodeSelector);

/// <summary>Inputs of <see cref="Karpenter"/>.</summary>
public sealed class KarpenterArgs
{
    /// <summary>The namespace (from the tenancy layer).</summary>
    public required Input<string> Namespace { get; init; }

    /// <summary>The namespace component to wait for.</summary>
    public required Resource NamespaceResource { get; init; }

    /// <summary>The controller's settings.</summary>
    public required KarpenterControllerSettings Controller { get; init; }

    /// <summary>
    /// The annotations of the controller's service account: the IRSA role ARN, or none with EKS Pod Identity (whose
    /// association binds the role instead).
    /// </summary>
    public InputMap<string> ServiceAccountAnnotations { get; init; } = [];

    /// <summary>
    /// What the controller and its objects wait for besides the namespace: the cluster's nodes, add-ons and the
    /// controller's identity binding. On an upgrade this puts Karpenter's objects after the add-ons.
    /// </summary>
    public ImmutableArray<Resource> After { get; init; } = [];

    /// <summary>The EC2NodeClasses.</summary>
    public required ImmutableArray<KarpenterNodeClass> NodeClasses { get; init; }

    /// <summary>The NodePools.</summary>
    public required ImmutableArray<KarpenterNodePool> NodePools { get; init; }

    /// <summary>Labels of every object.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Karpenter in the cluster: its CRDs, its controller (two replicas in production) and the EC2NodeClasses and
/// NodePools of the stack. Pools and classes depend on the controller, so a destroy deletes them first and the
/// controller terminates their instances before it goes away (nothing is orphaned).
/// </summary>
public sealed class Karpenter : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:Karpenter";

    /// <summary>Creates Karpenter.</summary>
    public Karpenter(string name, KarpenterArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var crds = HelmReleases.Create("karpenter-crd", VersionCatalog.KarpenterCrd, args.Namespace, [],
            new CustomResourceOptions { Parent = this, DependsOn = [args.NamespaceResource, .. args.After] });
        Release = HelmReleases.Create("karpenter", VersionCatalog.Karpenter, args.Namespace,
            args.ServiceAccountAnnotations.ToOutput().Apply(annotations => Values(args.Controller, annotations).ToImmutableDictionary()),
            new CustomResourceOptions { Parent = this, DependsOn = [args.NamespaceResource, crds, .. args.After] },
            skipCrds: true); // karpenter-crd owns the CRDs, so upgrades update them (Helm never upgrades a chart's crds/)

        var classes = args.NodeClasses.ToDictionary(
            c => c.Name,
            c => new KubernetesCustomResource($"{name}-nodeclass-{c.Name}", new KubernetesObjectArgs(
                KarpenterSpecs.NodeClassApiVersion,
                "EC2NodeClass",
                Metadata(c.Name, args.Labels),
                ToInputMap(KarpenterSpecs.NodeClassSpec(c))), new CustomResourceOptions
                {
                    Parent = this,
                    DependsOn = { Release },
                    // The CRD refuses switching between role and instanceProfile on a live object ("delete and
                    // recreate this node class"): such a change replaces the class, deleting the old one first.
                    ReplaceOnChanges = { "spec.role", "spec.instanceProfile" },
                    DeleteBeforeReplace = true,
                }));

        NodePools = args.NodePools.ToImmutableDictionary(
            p => p.Name,
            p => new KubernetesCustomResource($"{name}-nodepool-{p.Name}", new KubernetesObjectArgs(
                KarpenterSpecs.NodePoolApiVersion,
                "NodePool",
                Metadata(p.Name, args.Labels),
                ToInputMap(KarpenterSpecs.NodePoolSpec(p))),
                new CustomResourceOptions
                {
                    Parent = this,
                    DependsOn = { Release, classes.TryGetValue(p.NodeClassName, out var nodeClass)
                        ? nodeClass
                        : throw new ArgumentException($"Node pool '{p.Name}' uses the unknown node class '{p.NodeClassName}'.", nameof(args)) },
                }));
        NodeClasses = classes.ToImmutableDictionary();

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["nodePools"] = NodePools.Keys.Order(StringComparer.Ordinal).ToList(),
            ["nodeClasses"] = NodeClasses.Keys.Order(StringComparer.Ordinal).ToList(),
        });
    }

    /// <summary>The controller release.</summary>
    public Pulumi.Kubernetes.Helm.V3.Release Release { get; }

    /// <summary>The EC2NodeClasses by name.</summary>
    public ImmutableDictionary<string, KubernetesCustomResource> NodeClasses { get; }

    /// <summary>The NodePools by name.</summary>
    public ImmutableDictionary<string, KubernetesCustomResource> NodePools { get; }

    /// <summary>The Helm values of the controller chart.</summary>
    public static Dictionary<string, object> Values(KarpenterControllerSettings settings, IReadOnlyDictionary<string, string> serviceAccountAnnotations)
    {
        var nodeSelector = new Dictionary<string, object> { ["kubernetes.io/os"] = "linux" };
        foreach (var (key, value) in settings.SystemNodeSelector)
        {
            nodeSelector[key] = value;
        }

        return new Dictionary<string, object>
        {
            ["settings"] = new Dictionary<string, object>
            {
                ["clusterName"] = settings.ClusterName,
                ["interruptionQueue"] = settings.InterruptionQueue,
            },
            ["serviceAccount"] = new Dictionary<string, object>
            {
                ["create"] = true,
                ["name"] = settings.ServiceAccount,
                ["annotations"] = serviceAccountAnnotations.ToDictionary(a => a.Key, a => (object)a.Value),
            },
            ["replicas"] = settings.Replicas,
            ["nodeSelector"] = nodeSelector,
            ["controller"] = new Dictionary<string, object>
            {
                ["resources"] = new Dictionary<string, object>
                {
                    ["requests"] = new Dictionary<string, object> { ["cpu"] = "500m", ["memory"] = "512Mi" },
                    ["limits"] = new Dictionary<string, object> { ["cpu"] = "1", ["memory"] = "1Gi" },
                },
            },
            ["logLevel"] = "info",
        };
    }

    private static InputMap<object> ToInputMap(Dictionary<string, object> values)
    {
        var map = new InputMap<object>();
        foreach (var (key, value) in values)
        {
            map.Add(key, value);
        }

        return map;
    }

    private static ObjectMetaArgs Metadata(string objectName, ImmutableDictionary<string, string> labels)
    {
        var map = new InputMap<string>();
        foreach (var (key, value) in labels)
        {
            map.Add(key, value);
        }

        return new ObjectMetaArgs { Name = objectName, Labels = map };
    }
}
