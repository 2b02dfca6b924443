using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.Eks;
using Pulumi.Aws.Iam;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="PodIdentityRole"/>.</summary>
public sealed class PodIdentityRoleArgs
{
    /// <summary>The cluster whose service account gets the role (its name, as an output so that the association waits for the cluster).</summary>
    public required Input<string> ClusterName { get; init; }

    /// <summary>The account, for the trust policy's source-account condition.</summary>
    public required Input<string> AccountId { get; init; }

    /// <summary>The namespace of the only service account that may use the role.</summary>
    public required string Namespace { get; init; }

    /// <summary>The name of the only service account that may use the role.</summary>
    public required string ServiceAccount { get; init; }

    /// <summary>What the role is for (the IAM role description).</summary>
    public required string Description { get; init; }

    /// <summary>AWS managed policies to attach.</summary>
    public ImmutableArray<Input<string>> ManagedPolicyArns { get; init; } = [];

    /// <summary>An inline policy document (JSON), scoped to the resources the workload needs.</summary>
    public Input<string>? InlinePolicy { get; init; }

    /// <summary>
    /// Create the PodIdentityAssociation here. False for EKS managed add-ons, which take the association in their own
    /// <c>podIdentityAssociations</c> (EKS then creates and deletes it with the add-on).
    /// </summary>
    public bool CreateAssociation { get; init; } = true;

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// An IAM role for one Kubernetes service account through EKS Pod Identity: the role trusts only the Pod Identity
/// service, for exactly that cluster, namespace and service account (session tags), holds only the given permissions,
/// and a PodIdentityAssociation binds it. No OIDC provider is involved and the service account needs no annotation.
/// </summary>
public sealed class PodIdentityRole : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:PodIdentityRole";

    /// <summary>Creates the role and its association.</summary>
    public PodIdentityRole(string name, PodIdentityRoleArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var role = new Role(name, new RoleArgs
        {
            AssumeRolePolicy = Output.Tuple(args.AccountId.ToOutput(), args.ClusterName.ToOutput())
                .Apply(t => IamPolicies.PodIdentityTrust(t.Item1, t.Item2, args.Namespace, args.ServiceAccount)),
            Description = args.Description,
            Tags = AwsTags.Of(args.Tags),
        }, child);

        var grants = RolePermissions.Grant(name, role, args.ManagedPolicyArns, args.InlinePolicy, child);

        RoleArn = role.Arn;
        ServiceAccountKey = $"{args.Namespace}/{args.ServiceAccount}";
        if (args.CreateAssociation)
        {
            // After the permissions: a pod that starts once the association exists gets credentials that already work.
            Association = new PodIdentityAssociation(name, new PodIdentityAssociationArgs
            {
                ClusterName = args.ClusterName,
                Namespace = args.Namespace,
                ServiceAccount = args.ServiceAccount,
                RoleArn = role.Arn,
                Tags = AwsTags.Of(args.Tags),
            }, new CustomResourceOptions { Parent = this, DependsOn = [.. grants] });
        }

        RegisterOutputs(new Dictionary<string, object?> { ["roleArn"] = RoleArn });
    }

    /// <summary>The role's ARN.</summary>
    public Output<string> RoleArn { get; }

    /// <summary>The service account, as <c>namespace/name</c>.</summary>
    public string ServiceAccountKey { get; }

    /// <summary>The association (null when an EKS add-on holds it): pods started before it exists get no credentials.</summary>
    public PodIdentityAssociation? Association { get; }
}
