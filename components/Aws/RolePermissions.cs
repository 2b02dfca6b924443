using System.Collections.Immutable;
using Pulumi;
using Pulumi.Aws.Iam;

namespace MlPlatform.Components.Aws;

/// <summary>The permissions of a workload role, shared by <see cref="IrsaRole"/> and <see cref="PodIdentityRole"/>.</summary>
internal static class RolePermissions
{
    /// <summary>Attaches the managed policies (<c>NAME-i</c>) and the inline policy (<c>NAME</c>) to the role.</summary>
    /// <returns>The attachments and the inline policy, for what must wait until the role may act.</returns>
    public static ImmutableArray<Resource> Grant(
        string name, Role role, ImmutableArray<Input<string>> managedPolicyArns, Input<string>? inlinePolicy, CustomResourceOptions options)
    {
        var grants = ImmutableArray.CreateBuilder<Resource>();
        for (var i = 0; i < managedPolicyArns.Length; i++)
        {
            grants.Add(new RolePolicyAttachment($"{name}-{i}", new RolePolicyAttachmentArgs
            {
                Role = role.Name,
                PolicyArn = managedPolicyArns[i],
            }, options));
        }

        if (inlinePolicy is not null)
        {
            grants.Add(new RolePolicy(name, new RolePolicyArgs
            {
                Role = role.Id,
                Policy = inlinePolicy,
            }, options));
        }

        return grants.ToImmutable();
    }
}
