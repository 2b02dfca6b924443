using System.Collections.Immutable;
using Pulumi;

namespace MlPlatform.Components.Aws;

/// <summary>What a service account's IAM role needs from the cluster, whichever mechanism binds it.</summary>
public sealed class WorkloadIdentityContext
{
    /// <summary>IRSA or EKS Pod Identity.</summary>
    public required WorkloadIdentityMode Mode { get; init; }

    /// <summary>The cluster name (an output of the cluster, so that associations wait for it).</summary>
    public required Input<string> ClusterName { get; init; }

    /// <summary>The account (the Pod Identity trust's source account).</summary>
    public required Input<string> AccountId { get; init; }

    /// <summary>The cluster's IAM OIDC provider (IRSA only).</summary>
    public required Input<string> OidcProviderArn { get; init; }

    /// <summary>The cluster's OIDC issuer (IRSA only).</summary>
    public required Input<string> OidcIssuer { get; init; }

    /// <summary>Tags of the roles.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>The permissions of one service account.</summary>
/// <param name="Namespace">The service account's namespace.</param>
/// <param name="ServiceAccount">The service account's name.</param>
/// <param name="Description">What the role is for.</param>
/// <param name="InlinePolicy">A policy document scoped to the workload's resources, or null.</param>
/// <param name="ManagedPolicyArns">AWS managed policies, or empty.</param>
public sealed record ServiceAccountPermissions(
    string Namespace,
    string ServiceAccount,
    string Description,
    Input<string>? InlinePolicy = null,
    ImmutableArray<Input<string>> ManagedPolicyArns = default);

/// <summary>
/// The IAM role of one service account and how the pod finds it: with IRSA an annotation on the service account,
/// with EKS Pod Identity an association that must exist before the pod starts (<see cref="Binding"/>).
/// </summary>
/// <param name="RoleArn">The role.</param>
/// <param name="ServiceAccountKey">The service account as <c>namespace/name</c>.</param>
/// <param name="Annotations">The service account's annotations (empty with Pod Identity).</param>
/// <param name="Binding">The Pod Identity association to wait for, or null (IRSA, or an EKS add-on holding it).</param>
public sealed record ServiceAccountIdentity(Output<string> RoleArn, string ServiceAccountKey, InputMap<string> Annotations, Resource? Binding)
{
    /// <summary>
    /// Creates the role with the context's mechanism: an <see cref="IrsaRole"/> or a <see cref="PodIdentityRole"/>.
    /// </summary>
    /// <param name="name">The component's name (it names the role too).</param>
    /// <param name="context">Mechanism and cluster.</param>
    /// <param name="permissions">The service account and what it may do.</param>
    /// <param name="options">Parent and provider.</param>
    /// <param name="createAssociation">False for EKS add-ons, which hold their Pod Identity association themselves.</param>
    public static ServiceAccountIdentity Create(
        string name, WorkloadIdentityContext context, ServiceAccountPermissions permissions, ComponentResourceOptions? options = null, bool createAssociation = true)
    {
        var managed = permissions.ManagedPolicyArns.IsDefault ? [] : permissions.ManagedPolicyArns;
        if (context.Mode == WorkloadIdentityMode.Irsa)
        {
            var irsa = new IrsaRole(name, new IrsaRoleArgs
            {
                OidcProviderArn = context.OidcProviderArn,
                OidcIssuer = context.OidcIssuer,
                Namespace = permissions.Namespace,
                ServiceAccount = permissions.ServiceAccount,
                Description = permissions.Description,
                ManagedPolicyArns = managed,
                InlinePolicy = permissions.InlinePolicy,
                Tags = context.Tags,
            }, options);
            return new ServiceAccountIdentity(irsa.RoleArn, irsa.ServiceAccountKey, irsa.Annotations, null);
        }

        var role = new PodIdentityRole(name, new PodIdentityRoleArgs
        {
            ClusterName = context.ClusterName,
            AccountId = context.AccountId,
            Namespace = permissions.Namespace,
            ServiceAccount = permissions.ServiceAccount,
            Description = permissions.Description,
            ManagedPolicyArns = managed,
            InlinePolicy = permissions.InlinePolicy,
            CreateAssociation = createAssociation,
            Tags = context.Tags,
        }, options);
        return new ServiceAccountIdentity(role.RoleArn, role.ServiceAccountKey, [], role.Association);
    }

    /// <summary>The service account annotations as plain values (for Helm values built inside an apply).</summary>
    public Output<ImmutableDictionary<string, string>> AnnotationValues => Annotations.ToOutput();
}
