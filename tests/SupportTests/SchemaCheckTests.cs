using System.Text.Json.Nodes;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.SupportTests;

public class SchemaCheckTests
{
    [Fact]
    public void Chart_values_fall_back_to_the_subchart_for_keys_the_parent_does_not_override()
    {
        var values = JsonNode.Parse("""{"grafana": {"admin": {"existingSecret": "x"}, "route": {"main": {"enabled": true}}, "bogus": 1}}""")!;

        Assert.Equal(["grafana.bogus"], ChartValues.UnknownKeys("kube-prometheus-stack", "88.5.3", values));
    }

    [Fact]
    public void Values_schema_rejects_keys_closed_objects_do_not_declare_and_wrong_types()
    {
        var values = JsonNode.Parse("""{"crds": {"enabled": true, "typo": true}, "replicaCount": "two"}""")!;

        var problems = ValuesSchema.Problems("cert-manager", "v1.21.1", values);

        Assert.Contains(problems, p => p.StartsWith("crds.typo:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("replicaCount:", StringComparison.Ordinal));
    }

    [Fact]
    public void Values_schema_accepts_the_documented_commented_keys()
    {
        var values = JsonNode.Parse("""{"podDisruptionBudget": {"enabled": true, "minAvailable": 1}}""")!;

        Assert.Empty(ValuesSchema.Problems("cert-manager", "v1.21.1", values));
    }
}
