using System.Text.Json.Nodes;

namespace MlPlatform.Components.Kubernetes;

/// <summary>
/// A kubeconfig of one cluster whose user runs a credential plugin (<c>aws eks get-token</c>, <c>kubelogin</c>): no
/// token or key is ever stored in it. Written as JSON, which is YAML too.
/// </summary>
public static class ExecKubeconfig
{
    /// <summary>The kubeconfig.</summary>
    /// <param name="clusterName">Cluster, user and context name.</param>
    /// <param name="server">The API server URL.</param>
    /// <param name="certificateAuthorityData">The base64 CA bundle.</param>
    /// <param name="command">The plugin's command.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="extra">Further <c>exec</c> settings (e.g. <c>provideClusterInfo</c>).</param>
    public static string Build(
        string clusterName, string server, string certificateAuthorityData, string command, IEnumerable<string> args,
        IReadOnlyDictionary<string, JsonNode>? extra = null)
    {
        var exec = new JsonObject
        {
            ["apiVersion"] = "client.authentication.k8s.io/v1beta1",
            ["command"] = command,
            ["args"] = new JsonArray([.. args.Select(a => (JsonNode)a)]),
            ["interactiveMode"] = "Never",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, JsonNode>())
        {
            exec[key] = value.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Config",
            ["clusters"] = new JsonArray(new JsonObject
            {
                ["name"] = clusterName,
                ["cluster"] = new JsonObject { ["server"] = server, ["certificate-authority-data"] = certificateAuthorityData },
            }),
            ["users"] = new JsonArray(new JsonObject { ["name"] = clusterName, ["user"] = new JsonObject { ["exec"] = exec } }),
            ["contexts"] = new JsonArray(new JsonObject
            {
                ["name"] = clusterName,
                ["context"] = new JsonObject { ["cluster"] = clusterName, ["user"] = clusterName },
            }),
            ["current-context"] = clusterName,
        }.ToJsonString();
    }
}
