using MlPlatform.Policies;
using MlPlatform.Tests.Support;
using Xunit;

namespace MlPlatform.Tests.Policies;

/// <summary>The whole gate over every stack file of the repository, and the reviewed exceptions it honours.</summary>
public class PolicyGateStackTests
{
    public static TheoryData<string> Stacks => StackFiles.Names;

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_stack_passes_the_gate(string stack)
    {
        var plan = await StackPlans.Of(stack);

        var report = PlanRules.Evaluate(plan.ToPolicyItems());

        Assert.Empty(report.Errors.Select(v => v.ToString()));
        Assert.Empty(report.NotEvaluated.Select(v => v.ToString()));
    }

    [Fact]
    public void Rules_have_unique_ids_and_a_summary()
    {
        Assert.Equal(PlanRules.All.Length, PlanRules.All.Select(r => r.Id).Distinct().Count());
        Assert.All(PlanRules.All, r => Assert.EndsWith(".", r.Summary, StringComparison.Ordinal));
        Assert.True(PlanRules.All.Length >= 25, "the gate covers the platform's whole contract");
    }

    [Fact]
    public void The_readme_table_lists_every_rule_with_its_severity_and_nothing_else()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md"));
        var rows = readme.Where(l => l.StartsWith("| `", StringComparison.Ordinal) && (l.Contains("| error |", StringComparison.Ordinal) || l.Contains("| warning |", StringComparison.Ordinal)))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(cells => cells[1].Trim('`'), cells => (Severity: cells[2], Summary: cells[3]));

        Assert.Equal(PlanRules.All.Select(r => r.Id).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(PlanRules.All, r => Assert.Equal((r.Severity.ToString().ToLowerInvariant(), r.Summary), rows[r.Id]));
    }

    [Fact]
    public void Every_exception_names_a_rule_and_gives_a_reason()
    {
        var rules = PlanRules.All.Select(r => r.Id).ToHashSet();

        Assert.All(PolicyExceptions.All, e =>
        {
            Assert.Contains(e.Rule, rules);
            Assert.True(e.Reason.Length >= 40, $"the exception of {e.Rule} for {e.Namespace ?? e.Resource} says too little about why");
        });
    }

    [Fact]
    public async Task Every_exception_is_used_by_some_stack_file()
    {
        var waived = new HashSet<PolicyException>();
        var privileged = new HashSet<string>();
        foreach (var stack in StackFiles.All)
        {
            var items = (await StackPlans.Of(stack)).ToPolicyItems();
            waived.UnionWith(PlanRules.Evaluate(items).Waived.Select(w => w.Exception));
            privileged.UnionWith(items.Where(r => r.Type == "kubernetes:core/v1:Namespace"
                    && r.Inputs["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"]?.ToString() == "privileged")
                .Select(r => r.ObjectName));
        }

        var unused = PolicyExceptions.All.Where(e => !waived.Contains(e)
            && !(e.Rule == PodSecurityExceptions.Rule && e.Namespace is not null && privileged.Contains(e.Namespace)));

        Assert.Empty(unused.Select(e => $"{e.Rule} {e.Namespace ?? e.Resource}"));
    }

    [Fact]
    public void A_waived_finding_does_not_fail_the_gate_but_is_reported()
    {
        var bucket = PolicyTestItems.Item("aws:s3/bucket:Bucket", "gateway-access-logs", """{"bucketPrefix":"logs-"}""", isProtected: true);
        var key = PolicyTestItems.Item("aws:kms/key:Key", "k", """{"enableKeyRotation":true}""", isProtected: true);
        var sse = PolicyTestItems.Item("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse",
            """{"bucket":"logs-1","rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256"}}]}""");

        var report = PlanRules.Evaluate([bucket, key, sse]);

        Assert.Contains(report.Waived, w => w.Finding.Rule == "stateful-encrypted" && w.Exception.Resource == "aws:s3/bucket:Bucket gateway-access-logs");
        Assert.DoesNotContain(report.Errors, v => v.Rule == "stateful-encrypted");
        Assert.Contains(PlanRules.Evaluate([bucket with { Name = "artifacts" }, key, sse]).Errors, v => v.Rule == "stateful-encrypted");
    }
}
