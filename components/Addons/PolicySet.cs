using System.Collections.Immutable;
using MlPlatform.Components.Kubernetes;
using Pulumi;

namespace MlPlatform.Components.Addons;

/// <summary>One Kyverno ClusterPolicy: its name, annotations and spec.</summary>
/// <param name="Name">Policy name.</param>
/// <param name="Annotations">Metadata annotations (title, description, autogen control).</param>
/// <param name="Spec">The <c>spec</c>.</param>
public sealed record ClusterPolicyDefinition(string Name, ImmutableDictionary<string, string> Annotations, Dictionary<string, object> Spec);

/// <summary>
/// The platform's admission policies, built from typed settings. Each rule states which namespaces it leaves out
/// and why: enforcement must never block the platform's own charts.
/// </summary>
public sealed partial record PolicySet
{
    /// <summary>The label the platform puts on every namespace it manages (tenancy layer).</summary>
    public const string ManagedNamespaceLabel = "app.kubernetes.io/part-of";

    /// <summary>The value of <see cref="ManagedNamespaceLabel"/>.</summary>
    public const string ManagedNamespaceValue = "mlplatform";

    /// <summary>Block violations (true) or only report them (false).</summary>
    public required bool Enforce { get; init; }

    /// <summary>Registry hosts allowed where users run their own images.</summary>
    public required ImmutableArray<string> AllowedRegistries { get; init; }

    /// <summary>
    /// The host of the stack's own registry (ECR, ACR or Artifact Registry), allowed on top of
    /// <see cref="AllowedRegistries"/>; an output, since the cloud names it only once the registry exists. Null on a
    /// stack without one. <see cref="Resolved"/> turns it into one more allowed host.
    /// </summary>
    public Output<string>? StackRegistry { get; init; }

    /// <summary>Namespaces of the Kubernetes distribution and the cloud, exempt from every policy.</summary>
    public ImmutableArray<string> SystemNamespaces { get; init; } = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>
    /// Platform namespaces whose images all come from charts pinned in the version catalog, exempt from the
    /// registry restriction (see <see cref="RestrictRegistries"/>).
    /// </summary>
    public ImmutableArray<string> PinnedChartNamespaces { get; init; } = [];

    /// <summary>The role label value of team namespaces, whose workloads must name their team.</summary>
    public string TeamRole { get; init; } = "gpu-workloads";

    /// <summary><c>Enforce</c> or <c>Audit</c>.</summary>
    public string FailureAction => Enforce ? "Enforce" : "Audit";

    /// <summary>
    /// The policies with <see cref="StackRegistry"/> resolved into <see cref="AllowedRegistries"/> (added unless already
    /// listed): what the ClusterPolicies are made of. Without a stack registry, the policies as they are.
    /// </summary>
    public Output<ImmutableArray<ClusterPolicyDefinition>> Resolved() => StackRegistry is { } registry
        ? registry.Apply(host => WithRegistry(host).All())
        : Output.Create(All());

    /// <summary>The policy set with one more allowed registry host (once) and no stack registry left to resolve.</summary>
    public PolicySet WithRegistry(string host) => this with
    {
        AllowedRegistries = AllowedRegistries.Contains(host) ? AllowedRegistries : AllowedRegistries.Add(host),
        StackRegistry = null,
    };

    /// <summary>Every policy, in a stable order.</summary>
    public ImmutableArray<ClusterPolicyDefinition> All() =>
        [RequireLimits(), DisallowLatestTag(), RestrictRegistries(), RequireLabels(), GenerateDefaultDeny(), RequireModelGovernance(), ProtectProductionModels()];

    /// <summary>
    /// Every container of a Pod must have CPU and memory limits. Checked on Pods only (autogen off): in the
    /// platform's namespaces the LimitRange fills in default limits at admission, before this validation runs, so
    /// charts that leave <c>resources</c> empty still comply, while Deployment templates are not judged before the
    /// defaults apply.
    /// </summary>
    public ClusterPolicyDefinition RequireLimits() => Validate(
        "require-resource-limits",
        "Require resource limits",
        "Every container must set CPU and memory limits, so that one workload cannot starve a node.",
        autogen: false,
        new Dictionary<string, object>
        {
            ["name"] = "container-limits",
            ["match"] = MatchPods(),
            ["exclude"] = ExcludeNamespaces(SystemNamespaces),
            ["validate"] = ValidateBlock(
                "CPU and memory limits are required for every container (spec.containers[].resources.limits).",
                PodContainers(
                    new Dictionary<string, object>
                    {
                        ["resources"] = new Dictionary<string, object>
                        {
                            ["limits"] = new Dictionary<string, object> { ["cpu"] = "?*", ["memory"] = "?*" },
                        },
                    },
                    ephemeral: false)),
        });

    /// <summary>Images must name a tag or digest, and the tag must not be <c>latest</c>: deployments must be reproducible.</summary>
    public ClusterPolicyDefinition DisallowLatestTag() => Validate(
        "disallow-latest-tag",
        "Disallow latest tag",
        "Images must be pinned to a tag or digest other than latest, so that a rollout is reproducible.",
        autogen: true,
        new Dictionary<string, object>
        {
            ["name"] = "require-image-tag",
            ["match"] = MatchPods(),
            ["exclude"] = ExcludeNamespaces(SystemNamespaces),
            ["validate"] = ValidateBlock("An image tag or digest is required.", PodContainers(new Dictionary<string, object> { ["image"] = "*:*" })),
        },
        new Dictionary<string, object>
        {
            ["name"] = "disallow-latest",
            ["match"] = MatchPods(),
            ["exclude"] = ExcludeNamespaces(SystemNamespaces),
            ["validate"] = ValidateBlock("The ':latest' tag is not allowed; pin a version.", PodContainers(new Dictionary<string, object> { ["image"] = "!*:latest" })),
        });

    /// <summary>
    /// Images must come from the allowed registries, compared on the registry Kyverno parses out of each reference
    /// (a bare <c>kserve/sklearnserver</c> is <c>docker.io</c>). The platform namespaces that run only pinned charts
    /// are left out: their images are reviewed with every version bump, and a stack that narrows the list for its
    /// users must not lock out the platform's own controllers.
    /// </summary>
    public ClusterPolicyDefinition RestrictRegistries() => Validate(
        "restrict-image-registries",
        "Restrict image registries",
        $"Images must come from an allowed registry: {string.Join(", ", AllowedRegistries)}{(StackRegistry is null ? "" : ", or the stack's own registry")}.",
        autogen: true,
        new Dictionary<string, object>
        {
            ["name"] = "allowed-registries",
            ["match"] = MatchPods(),
            ["exclude"] = ExcludeNamespaces([.. SystemNamespaces, .. PinnedChartNamespaces]),
            ["validate"] = new Dictionary<string, object>
            {
                ["failureAction"] = FailureAction,
                ["message"] = $"Images must come from one of the registries {string.Join(", ", AllowedRegistries)}.",
                ["deny"] = new Dictionary<string, object>
                {
                    ["conditions"] = new Dictionary<string, object>
                    {
                        ["any"] = new[] { "containers", "initContainers", "ephemeralContainers" }
                            .Select(list => (object)new Dictionary<string, object>
                            {
                                ["key"] = $"{{{{ images.{list}.*.registry || `[]` }}}}",
                                ["operator"] = "AnyNotIn",
                                ["value"] = AllowedRegistries.ToArray(),
                            })
                            .ToArray(),
                    },
                },
            },
        });

    /// <summary>
    /// Workloads in team namespaces must carry the team label (cost attribution, alert routing), and new
    /// namespaces should name their owning team. The namespace rule only audits: cloud add-on managers create
    /// namespaces of their own, and blocking them would break managed add-ons.
    /// </summary>
    public ClusterPolicyDefinition RequireLabels()
    {
        var teamLabel = new Dictionary<string, object> { [PlatformLabels.Team] = "?*" };
        return Validate(
            "require-platform-labels",
            "Require platform labels",
            $"Workloads in team namespaces must carry {PlatformLabels.Team}; namespaces should name their owning team.",
            autogen: true,
            new Dictionary<string, object>
            {
                ["name"] = "team-workloads",
                ["match"] = new Dictionary<string, object>
                {
                    ["any"] = new object[]
                    {
                        new Dictionary<string, object>
                        {
                            ["resources"] = new Dictionary<string, object>
                            {
                                ["kinds"] = new[] { "Pod" },
                                ["namespaceSelector"] = new Dictionary<string, object>
                                {
                                    ["matchLabels"] = new Dictionary<string, object> { [PlatformLabels.Role] = TeamRole },
                                },
                            },
                        },
                    },
                },
                ["validate"] = ValidateBlock(
                    $"Pods in team namespaces must carry the label {PlatformLabels.Team}.",
                    new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object> { ["labels"] = teamLabel } }),
            },
            new Dictionary<string, object>
            {
                ["name"] = "namespace-owner",
                ["match"] = MatchKinds("Namespace"),
                ["exclude"] = ExcludeSystemAndManaged(),
                ["validate"] = ValidateBlock(
                    $"Namespaces should carry the label {PlatformLabels.Team} naming their owning team.",
                    new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object> { ["labels"] = teamLabel } },
                    failureAction: "Audit"),
            });
    }

    /// <summary>
    /// A default-deny NetworkPolicy (DNS excepted) in every namespace created outside the platform. The platform's
    /// own namespaces already get theirs, with their allow rules, from the tenancy layer; generating a second one
    /// there would fight it.
    /// </summary>
    public ClusterPolicyDefinition GenerateDefaultDeny() => new(
        "generate-default-deny",
        Annotations(
            "Generate default-deny network policy",
            "New namespaces start closed: all ingress and egress denied except DNS, until their owners add allow rules.",
            autogen: true),
        new Dictionary<string, object>
        {
            ["background"] = true,
            ["rules"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "default-deny",
                    ["match"] = MatchKinds("Namespace"),
                    ["exclude"] = ExcludeSystemAndManaged(),
                    ["generate"] = new Dictionary<string, object>
                    {
                        ["apiVersion"] = "networking.k8s.io/v1",
                        ["kind"] = "NetworkPolicy",
                        ["name"] = "default-deny",
                        ["namespace"] = "{{request.object.metadata.name}}",
                        ["synchronize"] = true,
                        ["data"] = new Dictionary<string, object>
                        {
                            ["spec"] = new Dictionary<string, object>
                            {
                                ["podSelector"] = new Dictionary<string, object>(),
                                ["policyTypes"] = new[] { "Ingress", "Egress" },
                                ["egress"] = new object[]
                                {
                                    new Dictionary<string, object>
                                    {
                                        ["to"] = new object[]
                                        {
                                            new Dictionary<string, object>
                                            {
                                                ["namespaceSelector"] = new Dictionary<string, object>
                                                {
                                                    ["matchLabels"] = new Dictionary<string, object> { [PlatformLabels.NamespaceName] = "kube-system" },
                                                },
                                            },
                                        },
                                        ["ports"] = new object[]
                                        {
                                            new Dictionary<string, object> { ["port"] = 53, ["protocol"] = "UDP" },
                                            new Dictionary<string, object> { ["port"] = 53, ["protocol"] = "TCP" },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        });

    private ClusterPolicyDefinition Validate(string name, string title, string description, bool autogen, params Dictionary<string, object>[] rules) => new(
        name,
        Annotations(title, description, autogen),
        new Dictionary<string, object>
        {
            ["background"] = true,

            // Audit never blocks, so a Kyverno outage must not either; when enforcing, fail closed.
            ["failurePolicy"] = Enforce ? "Fail" : "Ignore",
            ["rules"] = rules.Cast<object>().ToArray(),
        });

    private static ImmutableDictionary<string, string> Annotations(string title, string description, bool autogen)
    {
        var annotations = ImmutableDictionary<string, string>.Empty
            .Add("policies.kyverno.io/title", title)
            .Add("policies.kyverno.io/category", "mlplatform")
            .Add("policies.kyverno.io/description", description);
        return autogen ? annotations : annotations.Add("pod-policies.kyverno.io/autogen-controllers", "none");
    }

    private Dictionary<string, object> ValidateBlock(string message, Dictionary<string, object> pattern, string? failureAction = null) => new()
    {
        ["failureAction"] = failureAction ?? FailureAction,
        ["message"] = message,
        ["pattern"] = pattern,
    };

    // Ephemeral (debug) containers cannot declare resources, so the limits rule leaves them out.
    private static Dictionary<string, object> PodContainers(Dictionary<string, object> container, bool ephemeral = true)
    {
        var spec = new Dictionary<string, object>
        {
            ["=(initContainers)"] = new object[] { container },
            ["containers"] = new object[] { container },
        };
        if (ephemeral)
        {
            spec["=(ephemeralContainers)"] = new object[] { container };
        }

        return new() { ["spec"] = spec };
    }

    private static Dictionary<string, object> MatchPods() => MatchKinds("Pod");

    private static Dictionary<string, object> MatchKinds(params string[] kinds) => new()
    {
        ["any"] = new object[] { new Dictionary<string, object> { ["resources"] = new Dictionary<string, object> { ["kinds"] = kinds } } },
    };

    private static Dictionary<string, object> ExcludeNamespaces(ImmutableArray<string> namespaces) => new()
    {
        ["any"] = new object[] { new Dictionary<string, object> { ["resources"] = new Dictionary<string, object> { ["namespaces"] = namespaces.ToArray() } } },
    };

    private Dictionary<string, object> ExcludeSystemAndManaged() => new()
    {
        ["any"] = new object[]
        {
            new Dictionary<string, object> { ["resources"] = new Dictionary<string, object> { ["names"] = SystemNamespaces.ToArray() } },
            new Dictionary<string, object>
            {
                ["resources"] = new Dictionary<string, object>
                {
                    ["selector"] = new Dictionary<string, object>
                    {
                        ["matchLabels"] = new Dictionary<string, object> { [ManagedNamespaceLabel] = ManagedNamespaceValue },
                    },
                },
            },
        },
    };
}
