using System.Text.Json;
using System.Text.Json.Nodes;
using MlPlatform.Components.Kubernetes;
using MlPlatform.Infra.Plan;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Stacks;

/// <summary>Storage invariants of every stack file: a default class on every cloud, and every platform volume naming a class that exists.</summary>
public class StorageScenarioTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    private const string StorageClassType = "kubernetes:storage.k8s.io/v1:StorageClass";

    /// <summary>
    /// Every claim spec the plan creates, wherever it is: PersistentVolumeClaims, and any <c>volumeClaimTemplate</c>
    /// or <c>volumeClaimTemplates</c> inside a resource's inputs (chart values, Workflow templates, StatefulSets).
    /// </summary>
    internal static IEnumerable<(string Where, JsonNode Spec)> ClaimSpecs(PlanResult plan)
    {
        foreach (var resource in plan.Resources.Where(r => r.Custom))
        {
            if (resource.Type == "kubernetes:core/v1:PersistentVolumeClaim")
            {
                yield return (resource.Urn, resource.Inputs["spec"]!);
            }

            foreach (var spec in Templates(resource.Inputs))
            {
                yield return (resource.Urn, spec);
            }
        }
    }

    private static IEnumerable<JsonNode> Templates(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    if (key == "volumeClaimTemplate" && value?["spec"] is { } spec)
                    {
                        yield return spec;
                    }
                    else if (key == "volumeClaimTemplates" && value is JsonArray templates)
                    {
                        foreach (var template in templates)
                        {
                            yield return template!["spec"]!;
                        }
                    }
                    else
                    {
                        foreach (var found in Templates(value))
                        {
                            yield return found;
                        }
                    }
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    foreach (var found in Templates(item))
                    {
                        yield return found;
                    }
                }

                break;
        }
    }

    /// <summary>The classes a stack file names as the cluster's own (<c>mlplatform:storage.&lt;class&gt;</c> with <c>enabled: false</c>).</summary>
    private static HashSet<string> ExistingClasses(string stack)
    {
        var raw = StackConfigFile.Load(RepositoryPaths.Root, stack).Values.GetValueOrDefault("mlplatform:storage");
        if (raw is null)
        {
            return [];
        }

        return [.. JsonNode.Parse(raw)!.AsObject()
            .Where(c => c.Value?["enabled"]?.ToString() is "false" or "False" && c.Value?["name"] is not null)
            .Select(c => c.Value!["name"]!.ToString())];
    }

    private static Dictionary<string, PlannedResource> Classes(PlanResult plan) =>
        plan.OfType(StorageClassType).ToDictionary(c => c.Inputs["metadata"]!["name"]!.ToString());

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_platform_volume_names_a_class_the_plan_creates_or_the_stack_names(string stack)
    {
        var plan = await StackPlans.Of(stack);

        var known = Classes(plan).Keys.Concat(ExistingClasses(stack)).ToHashSet(StringComparer.Ordinal);
        var claims = ClaimSpecs(plan).ToList();
        Assert.NotEmpty(claims);
        Assert.All(claims, claim =>
        {
            var name = claim.Spec["storageClassName"]?.ToString();
            Assert.True(name is not null, $"a claim of {claim.Where} names no StorageClass");
            Assert.True(known.Contains(name!), $"a claim of {claim.Where} names '{name}', which the plan does not create and the stack does not name");
        });
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_cloud_stack_creates_one_default_class_of_a_csi_driver(string stack)
    {
        var plan = await StackPlans.Of(stack);
        var classes = Classes(plan);
        if (plan.Cloud == "existing")
        {
            // The platform knows no CSI driver of an existing cluster: it names the cluster's class instead.
            Assert.Empty(classes);
            Assert.NotEmpty(ExistingClasses(stack));
            return;
        }

        var defaults = classes.Values
            .Where(c => c.Inputs["metadata"]!["annotations"]?[StorageClasses.DefaultClassAnnotation]?.ToString() == "true")
            .ToList();
        var @default = Assert.Single(defaults);
        Assert.Contains(".csi.", @default.Inputs["provisioner"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("WaitForFirstConsumer", @default.Inputs["volumeBindingMode"]!.ToString());
        Assert.True(@default.Inputs["allowVolumeExpansion"]!.GetValue<bool>());
        Assert.Contains("platform-fast", classes.Keys);

        var provisioner = @default.Inputs["provisioner"]!.ToString();
        var parameters = @default.Inputs["parameters"]!.AsObject();
        switch (plan.Cloud)
        {
            case "aws":
                Assert.Equal("ebs.csi.aws.com", provisioner);
                Assert.Equal("gp3", parameters["type"]!.ToString());
                Assert.Equal("true", parameters["encrypted"]!.ToString());
                Assert.False(string.IsNullOrEmpty(parameters["kmsKeyId"]?.ToString()), "the default EBS class names no KMS key");
                break;
            case "azure":
                Assert.Equal("disk.csi.azure.com", provisioner);
                Assert.Equal("Premium_ZRS", parameters["skuName"]!.ToString());
                break;
            case "gcp":
                Assert.Equal("pd.csi.storage.gke.io", provisioner);
                Assert.Equal("pd-balanced", parameters["type"]!.ToString());
                break;
            default:
                Assert.Fail($"cloud '{plan.Cloud}' has no storage expectations: add them here");
                break;
        }
    }

    [Fact]
    public async Task The_ebs_volume_key_is_protected_rotated_and_granted_to_the_csi_driver_only_for_aws_resources()
    {
        var plan = await StackPlans.Of("staging");

        var key = plan.Get("aws:kms/key:Key", "eks-volumes");
        Assert.True(key.Protected);
        Assert.True(key.Inputs["enableKeyRotation"]!.GetValue<bool>());
        var policies = plan.Resources.Where(r => r.Urn.Contains("eks-ebs-csi", StringComparison.Ordinal) && r.Inputs.ToJsonString().Contains("kms:CreateGrant", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(policies);
        Assert.Contains("kms:GrantIsForAWSResource", policies[0].Inputs.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_specs_are_found_in_nested_templates()
    {
        var inputs = JsonNode.Parse("""{"values":{"a":{"volumeClaimTemplate":{"spec":{"x":1}}},"b":[{"volumeClaimTemplates":[{"spec":{"y":2}}]}]}}""")!.AsObject();
        var plan = new PlanResult("p", "s", "existing", [new PlannedResource("urn", "kubernetes:helm.sh/v3:Release", "r", true, null, null, inputs)], []);

        Assert.Equal(["{\"x\":1}", "{\"y\":2}"], ClaimSpecs(plan).Select(c => c.Spec.ToJsonString(new JsonSerializerOptions())).ToArray());
    }
}
