using Pulumi;
using Pulumi.AzureNative.Authorization;

namespace MlPlatform.Components.Azure;

/// <summary>Azure RBAC role assignments of built-in roles, each on the narrowest scope that works.</summary>
public static class RoleGrants
{
    /// <summary>
    /// Assigns a built-in role to a principal on a scope. The principal type is given so that Azure does not look a
    /// freshly created identity up in Entra ID (which fails while the identity replicates).
    /// </summary>
    /// <param name="name">Logical name.</param>
    /// <param name="scope">The resource id the role applies to.</param>
    /// <param name="roleId">The built-in role's id (<see cref="AzureRoles"/>).</param>
    /// <param name="principalId">The object id of the identity or group.</param>
    /// <param name="principalType">Its kind.</param>
    /// <param name="subscriptionId">The subscription of the role definition.</param>
    /// <param name="description">Why the grant exists.</param>
    /// <param name="options">Parent and dependencies.</param>
    public static RoleAssignment Create(
        string name, Input<string> scope, string roleId, Input<string> principalId, PrincipalType principalType,
        Input<string> subscriptionId, string description, CustomResourceOptions options) =>
        new(name, new RoleAssignmentArgs
        {
            Scope = scope,
            RoleDefinitionId = subscriptionId.ToOutput().Apply(s => AzureRoles.Definition(s, roleId)),
            PrincipalId = principalId,
            PrincipalType = principalType,
            Description = description,
        }, options);
}
