using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.Iam;

namespace MlPlatform.Components.Aws;

/// <summary>Inputs of <see cref="IrsaRole"/>.</summary>
public sealed class IrsaRoleArgs
{
    /// <summary>The cluster's IAM OIDC provider.</summary>
    public required Input<string> OidcProviderArn { get; init; }

    /// <summary>The cluster's OIDC issuer URL (with or without <c>https://</c>).</summary>
    public required Input<string> OidcIssuer { get; init; }

    /// <summary>The namespace of the only service account that may assume the role.</summary>
    public required string Namespace { get; init; }

    /// <summary>The name of the only service account that may assume the role.</summary>
    public required string ServiceAccount { get; init; }

    /// <summary>What the role is for (the IAM role description).</summary>
    public required string Description { get; init; }

    /// <summary>AWS managed policies to attach.</summary>
    public ImmutableArray<Input<string>> ManagedPolicyArns { get; init; } = [];

    /// <summary>An inline policy document (JSON), scoped to the resources the workload needs.</summary>
    public Input<string>? InlinePolicy { get; init; }

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// An IAM role for one Kubernetes service account (IRSA): assumable only with a token the cluster issued to
/// <c>system:serviceaccount:&lt;namespace&gt;:&lt;name&gt;</c> for STS, holding only the given permissions.
/// </summary>
public sealed class IrsaRole : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:aws:IrsaRole";

    /// <summary>The annotation that binds a service account to its role.</summary>
    public const string RoleArnAnnotation = "eks.amazonaws.com/role-arn";

    /// <summary>Creates the role.</summary>
    public IrsaRole(string name, IrsaRoleArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };
        var role = new Role(name, new RoleArgs
        {
            AssumeRolePolicy = Output.Tuple(args.OidcProviderArn.ToOutput(), args.OidcIssuer.ToOutput())
                .Apply(t => IamPolicies.IrsaTrust(t.Item1, t.Item2, args.Namespace, args.ServiceAccount)),
            Description = args.Description,
            Tags = AwsTags.Of(args.Tags),
        }, child);

        _ = RolePermissions.Grant(name, role, args.ManagedPolicyArns, args.InlinePolicy, child);

        RoleArn = role.Arn;
        ServiceAccountKey = $"{args.Namespace}/{args.ServiceAccount}";
        RegisterOutputs(new Dictionary<string, object?> { ["roleArn"] = RoleArn });
    }

    /// <summary>The role's ARN.</summary>
    public Output<string> RoleArn { get; }

    /// <summary>The service account, as <c>namespace/name</c>.</summary>
    public string ServiceAccountKey { get; }

    /// <summary>The service account annotations that bind it to this role.</summary>
    public InputMap<string> Annotations => new() { { RoleArnAnnotation, RoleArn } };
}
