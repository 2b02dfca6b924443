using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.CloudWatch;
using Pulumi.Aws.Eks;
using Pulumi.Aws.Iam;
using Pulumi.Aws.Sqs;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="KarpenterInfrastructure"/>.</summary>
public sealed class KarpenterInfrastructureArgs
{
    /// <summary>The cluster name.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The cluster resource name output (so that access entries wait for the cluster).</summary>
    public required Input<string> ClusterNameOutput { get; init; }

    /// <summary>How the controller gets its role: EKS Pod Identity or IRSA.</summary>
    public WorkloadIdentityMode Identity { get; init; } = WorkloadIdentityMode.PodIdentity;

    /// <summary>The cluster's IAM OIDC provider (IRSA only).</summary>
    public Input<string>? OidcProviderArn { get; init; }

    /// <summary>The cluster's OIDC issuer (IRSA only).</summary>
    public Input<string>? OidcIssuer { get; init; }

    /// <summary>The namespace of the Karpenter controller.</summary>
    public required string Namespace { get; init; }

    /// <summary>The controller's service account name.</summary>
    public string ServiceAccount { get; init; } = "karpenter";

    /// <summary>The region.</summary>
    public required string Region { get; init; }

    /// <summary>The AWS partition.</summary>
    public Input<string> Partition { get; init; } = "aws";

    /// <summary>The account.</summary>
    public required Input<string> AccountId { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The AWS side of Karpenter: the controller's role (EKS Pod Identity or IRSA), the node role with its instance profile and EKS access entry, and the
/// interruption queue fed by EventBridge (spot interruptions, rebalance recommendations, instance state changes,
/// scheduled maintenance) so that nodes are drained before AWS takes them away.
/// </summary>
public sealed class KarpenterInfrastructure : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:KarpenterInfrastructure";

    /// <summary>The EventBridge rules feeding the interruption queue: rule suffix, event source and detail type.</summary>
    public static ImmutableArray<(string Name, string Source, string DetailType)> InterruptionEvents { get; } =
    [
        ("spot-interruption", "aws.ec2", "EC2 Spot Instance Interruption Warning"),
        ("rebalance", "aws.ec2", "EC2 Instance Rebalance Recommendation"),
        ("instance-state-change", "aws.ec2", "EC2 Instance State-change Notification"),
        ("scheduled-change", "aws.health", "AWS Health Event"),
    ];

    /// <summary>Creates the infrastructure.</summary>
    public KarpenterInfrastructure(string name, KarpenterInfrastructureArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var partition = args.Partition.ToOutput();

        NodeRoleName = NodeRoleNameFor(args.ClusterName);
        var nodeRole = new Role($"{name}-node", new RoleArgs
        {
            Name = NodeRoleName,
            AssumeRolePolicy = IamPolicies.AssumeRoleByService("ec2.amazonaws.com"),
            Description = $"Nodes that Karpenter launches for {args.ClusterName}",
            Tags = AwsTags.Of(args.Tags),
        }, child);
        foreach (var policy in EksCluster.NodePolicies)
        {
            _ = new RolePolicyAttachment($"{name}-node-{policy}", new RolePolicyAttachmentArgs
            {
                Role = nodeRole.Name,
                PolicyArn = partition.Apply(p => $"arn:{p}:iam::aws:policy/{policy}"),
            }, child);
        }

        NodeRoleArn = nodeRole.Arn;
        // Created here rather than by Karpenter: the controller then needs no IAM write permission (only PassRole).
        InstanceProfileName = InstanceProfileNameFor(args.ClusterName);
        var instanceProfile = new InstanceProfile($"{name}-node", new InstanceProfileArgs
        {
            Name = InstanceProfileName,
            Role = nodeRole.Name,
            Tags = AwsTags.Of(args.Tags),
        }, child);
        InstanceProfileArn = instanceProfile.Arn;
        NodeAccessEntry = new AccessEntry($"{name}-node", new AccessEntryArgs
        {
            ClusterName = args.ClusterNameOutput,
            PrincipalArn = nodeRole.Arn,
            Type = "EC2_LINUX",
            Tags = AwsTags.Of(args.Tags),
        }, child);

        QueueName = $"{args.ClusterName}-karpenter";
        var queue = new Queue($"{name}-interruptions", new QueueArgs
        {
            Name = QueueName,
            // Interruption notices are useless after a few minutes (a spot warning gives two).
            MessageRetentionSeconds = 300,
            SqsManagedSseEnabled = true,
            Tags = AwsTags.Of(args.Tags),
        }, child);
        QueueArn = queue.Arn;
        _ = new QueuePolicy($"{name}-interruptions", new QueuePolicyArgs
        {
            QueueUrl = queue.Url,
            Policy = queue.Arn.Apply(IamPolicies.InterruptionQueue),
        }, child);

        foreach (var (rule, source, detailType) in InterruptionEvents)
        {
            var eventRule = new EventRule($"{name}-{rule}", new EventRuleArgs
            {
                Name = $"{args.ClusterName}-karpenter-{rule}",
                Description = $"{detailType} events for Karpenter of {args.ClusterName}",
                EventPattern = EventPattern(source, detailType),
                Tags = AwsTags.Of(args.Tags),
            }, child);
            _ = new EventTarget($"{name}-{rule}", new EventTargetArgs
            {
                Rule = eventRule.Name,
                TargetId = "karpenter-interruption-queue",
                Arn = queue.Arn,
            }, child);
        }

        ControllerIdentity = ServiceAccountIdentity.Create($"{name}-controller", new WorkloadIdentityContext
        {
            Mode = args.Identity,
            ClusterName = args.ClusterNameOutput,
            AccountId = args.AccountId,
            OidcProviderArn = args.OidcProviderArn ?? (args.Identity == WorkloadIdentityMode.Irsa
                ? throw new ArgumentException("IRSA needs the cluster's OIDC provider.", nameof(args)) : string.Empty),
            OidcIssuer = args.OidcIssuer ?? string.Empty,
            Tags = args.Tags,
        }, new ServiceAccountPermissions(
            args.Namespace,
            args.ServiceAccount,
            $"Karpenter controller of {args.ClusterName}",
            Output.Tuple(partition, args.AccountId.ToOutput(), nodeRole.Arn, queue.Arn)
                .Apply(t => IamPolicies.KarpenterController(t.Item1, args.Region, t.Item2, args.ClusterName, t.Item3, t.Item4))),
            new ComponentResourceOptions { Parent = this });
        ControllerRoleArn = ControllerIdentity.RoleArn;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["controllerRoleArn"] = ControllerRoleArn,
            ["nodeRoleArn"] = NodeRoleArn,
            ["instanceProfileArn"] = InstanceProfileArn,
            ["queueArn"] = QueueArn,
        });
    }

    /// <summary>The name of the Karpenter node role of a cluster (known up front: the EC2NodeClasses name it).</summary>
    public static string NodeRoleNameFor(string clusterName) => $"{clusterName}-karpenter-node";

    /// <summary>The name of the node role's instance profile (known up front: the EC2NodeClasses name it).</summary>
    public static string InstanceProfileNameFor(string clusterName) => $"{clusterName}-karpenter-node";

    /// <summary>The EventBridge pattern of one event type.</summary>
    public static string EventPattern(string source, string detailType) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["source"] = new System.Text.Json.Nodes.JsonArray(source),
            ["detail-type"] = new System.Text.Json.Nodes.JsonArray(detailType),
        }.ToJsonString();

    /// <summary>The controller's role.</summary>
    public Output<string> ControllerRoleArn { get; }

    /// <summary>The controller's role with its service account annotations (IRSA) or association (Pod Identity).</summary>
    public ServiceAccountIdentity ControllerIdentity { get; }

    /// <summary>The node role's name.</summary>
    public string NodeRoleName { get; }

    /// <summary>The node role's ARN.</summary>
    public Output<string> NodeRoleArn { get; }

    /// <summary>The node role's instance profile name (the EC2NodeClasses' <c>instanceProfile</c>).</summary>
    public string InstanceProfileName { get; }

    /// <summary>The node role's instance profile ARN.</summary>
    public Output<string> InstanceProfileArn { get; }

    /// <summary>The node role's access entry (nodes cannot join without it).</summary>
    public AccessEntry NodeAccessEntry { get; }

    /// <summary>The interruption queue's name (Karpenter's <c>settings.interruptionQueue</c>).</summary>
    public string QueueName { get; }

    /// <summary>The interruption queue's ARN.</summary>
    public Output<string> QueueArn { get; }
}
