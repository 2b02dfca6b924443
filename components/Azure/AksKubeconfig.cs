using System.Text;
using System.Text.Json.Nodes;
using MlPlatform.Components.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace MlPlatform.Components.Azure;

/// <summary>
/// The kubeconfig the Kubernetes provider uses for an AKS cluster with Entra ID and local accounts off: the API
/// server and CA of the cluster's user credentials, and a user that runs <c>kubelogin get-token</c> (no token or
/// key is ever stored in it).
/// </summary>
public static class AksKubeconfig
{
    /// <summary>The server and CA data of the first cluster of a kubeconfig (YAML or JSON), as AKS returns it base64-encoded.</summary>
    /// <exception cref="InvalidOperationException">When the kubeconfig names no cluster.</exception>
    public static (string Server, string CertificateAuthorityData) ClusterOf(string base64Kubeconfig)
    {
        var yaml = new YamlStream();
        using (var reader = new StringReader(Encoding.UTF8.GetString(Convert.FromBase64String(base64Kubeconfig))))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var clusters = (YamlSequenceNode)root.Children[new YamlScalarNode("clusters")];
        var cluster = (YamlMappingNode)((YamlMappingNode)clusters.Children[0]).Children[new YamlScalarNode("cluster")];
        string Scalar(string key) => cluster.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar
            ? scalar.Value ?? string.Empty
            : throw new InvalidOperationException($"The cluster's kubeconfig has no {key}.");
        return (Scalar("server"), Scalar("certificate-authority-data"));
    }

    /// <summary>The kubeconfig, as JSON (a kubeconfig is YAML, of which JSON is a subset).</summary>
    /// <param name="clusterName">Cluster, user and context name.</param>
    /// <param name="server">The API server URL.</param>
    /// <param name="certificateAuthorityData">The base64 CA bundle.</param>
    /// <param name="mode">How kubelogin signs in.</param>
    public static string Build(string clusterName, string server, string certificateAuthorityData, KubeloginMode mode) =>
        ExecKubeconfig.Build(clusterName, server, certificateAuthorityData, "kubelogin",
            ["get-token", "--login", mode.LoginArgument(), "--server-id", AzureRoles.AksServerApplicationId],
            new Dictionary<string, JsonNode> { ["provideClusterInfo"] = false });
}
