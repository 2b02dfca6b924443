using System.Text.Json.Nodes;
using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Policies;

/// <summary>The Helm-style coalescing the gate and the tests share, against Helm's documented semantics.</summary>
public class HelmValuesTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Maps_merge_deeply_and_the_release_wins()
    {
        var merged = HelmValues.Coalesce(
            Parse("""{"server": {"replicas": 2, "pdb": {"enabled": true}}}"""),
            Parse("""{"server": {"replicas": 1, "name": "server", "pdb": {"enabled": false, "labels": {}}}, "global": {"x": 1}}"""));

        Assert.Equal("""{"server":{"replicas":2,"pdb":{"enabled":true,"labels":{}},"name":"server"},"global":{"x":1}}""", merged.ToJsonString());
    }

    [Fact]
    public void A_null_deletes_the_default_key()
    {
        var merged = HelmValues.Coalesce(
            Parse("""{"podDisruptionBudget": {"minAvailable": null, "maxUnavailable": 1}}"""),
            Parse("""{"podDisruptionBudget": {"enabled": false, "minAvailable": 1}}"""));

        Assert.False(HelmValues.Has(merged, "podDisruptionBudget.minAvailable"));
        Assert.Equal(1, HelmValues.ToInteger(HelmValues.Get(merged, "podDisruptionBudget.maxUnavailable")));
        Assert.False(HelmValues.IsTruthy(HelmValues.Get(merged, "podDisruptionBudget.enabled")));
    }

    [Fact]
    public void A_null_for_a_key_the_defaults_lack_stays_as_a_null_key()
    {
        // Helm only deletes the keys it coalesces with; `hasKey` templates then see the key.
        var merged = HelmValues.Coalesce(Parse("""{"extra": null}"""), Parse("""{"other": 1}"""));

        Assert.True(HelmValues.Has(merged, "extra"));
        Assert.Null(HelmValues.Get(merged, "extra"));
    }

    [Fact]
    public void Lists_and_scalars_replace_and_maps_never_merge_with_scalars()
    {
        var merged = HelmValues.Coalesce(
            Parse("""{"tolerations": [{"key": "b"}], "affinity": "text", "resources": {"limits": {}}}"""),
            Parse("""{"tolerations": [{"key": "a"}, {"key": "c"}], "affinity": {"podAntiAffinity": {}}, "resources": "none"}"""));

        Assert.Equal("""[{"key":"b"}]""", merged["tolerations"]!.ToJsonString());
        Assert.Equal("text", merged["affinity"]!.GetValue<string>());
        Assert.Equal("""{"limits":{}}""", merged["resources"]!.ToJsonString());
    }

    [Fact]
    public void Neither_input_is_changed()
    {
        var values = Parse("""{"a": {"b": null, "c": 1}}""");
        var defaults = Parse("""{"a": {"b": 2, "d": {"e": 3}}}""");

        var merged = HelmValues.Coalesce(values, defaults);
        HelmValues.Set(merged, "a.d.e", JsonValue.Create(4));

        Assert.Equal("""{"a":{"b":null,"c":1}}""", values.ToJsonString());
        Assert.Equal("""{"a":{"b":2,"d":{"e":3}}}""", defaults.ToJsonString());
    }

    [Fact]
    public void Subchart_sections_take_the_parent_overrides_then_the_subchart_defaults_and_the_parent_globals()
    {
        var merged = HelmValues.CoalesceChart(
            Parse("""{"global": {"priorityClassName": "system-critical"}, "redis-ha": {"enabled": true, "hardAntiAffinity": null}}"""),
            Parse("""{"global": {"priorityClassName": ""}, "redis-ha": {"enabled": false, "haproxy": {"enabled": true}}}"""),
            new Dictionary<string, JsonObject>
            {
                ["redis-ha"] = Parse("""{"replicas": 3, "hardAntiAffinity": true, "haproxy": {"enabled": false, "replicas": 3}, "global": {"priorityClassName": "", "other": 1}}"""),
            });

        Assert.True(HelmValues.IsTruthy(HelmValues.Get(merged, "redis-ha.enabled")));
        Assert.True(HelmValues.IsTruthy(HelmValues.Get(merged, "redis-ha.haproxy.enabled")), "the parent's override of the subchart's default");
        Assert.Equal(3, HelmValues.ToInteger(HelmValues.Get(merged, "redis-ha.haproxy.replicas")));
        Assert.False(HelmValues.Has(merged, "redis-ha.hardAntiAffinity"), "a null under a subchart key deletes the subchart's default");
        Assert.Equal("system-critical", HelmValues.Get(merged, "redis-ha.global.priorityClassName")!.GetValue<string>());
        Assert.Equal(1, HelmValues.ToInteger(HelmValues.Get(merged, "redis-ha.global.other")));
    }

    [Fact]
    public void The_real_argo_cd_chart_coalesces_with_its_redis_ha_subchart()
    {
        var merged = ChartDefaults.Coalesced("argo-cd", "10.1.1", Parse("""{"redis-ha": {"enabled": true}, "global": {"priorityClassName": "system-critical"}}"""));

        Assert.Equal("argocd-redis-ha-haproxy", HelmValues.Get(merged, "redis-ha.haproxy.labels")!["app.kubernetes.io/name"]!.GetValue<string>());
        Assert.Equal(3, HelmValues.ToInteger(HelmValues.Get(merged, "redis-ha.haproxy.replicas")));
        Assert.Equal("system-critical", HelmValues.Get(merged, "redis-ha.global.priorityClassName")!.GetValue<string>());
        Assert.Equal("soft", HelmValues.Get(merged, "global.affinity.podAntiAffinity")!.GetValue<string>());
    }

    [Theory]
    [InlineData("null", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("\"\"", false)]
    [InlineData("{}", false)]
    [InlineData("[]", false)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("\"0\"", true)]
    [InlineData("\"50%\"", true)]
    [InlineData("{\"a\": 1}", true)]
    public void Truthiness_is_go_templates(string json, bool truthy)
    {
        Assert.Equal(truthy, HelmValues.IsTruthy(JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("2.9", 2)]
    [InlineData("\"3\"", 3)]
    [InlineData("\"50%\"", 0)]
    [InlineData("null", 0)]
    [InlineData("true", 1)]
    public void Int_is_sprigs(string json, long value)
    {
        Assert.Equal(value, HelmValues.ToInteger(JsonNode.Parse(json)));
    }

    [Fact]
    public void Built_values_behave_like_parsed_ones()
    {
        Assert.True(HelmValues.IsTruthy(JsonValue.Create(2)));
        Assert.False(HelmValues.IsTruthy(JsonValue.Create(0)));
        Assert.Equal(2, HelmValues.ToInteger(JsonValue.Create(2)));
        Assert.Equal(0, HelmValues.ToInteger(JsonValue.Create("")));
    }

    [Fact]
    public void Yaml_fixtures_keep_their_types()
    {
        var values = ChartDefaults.Values("kyverno", "3.9.0");

        Assert.True(HelmValues.Has(values, "admissionController.replicas"));
        Assert.Null(HelmValues.Get(values, "admissionController.replicas"));
        Assert.Equal(1, HelmValues.ToInteger(HelmValues.Get(values, "admissionController.podDisruptionBudget.minAvailable")));
        Assert.False(HelmValues.IsTruthy(HelmValues.Get(values, "admissionController.podDisruptionBudget.enabled")));
        Assert.Equal("", HelmValues.Get(values, "admissionController.priorityClassName")!.GetValue<string>());
    }
}
