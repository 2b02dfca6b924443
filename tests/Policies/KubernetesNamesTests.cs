using MlPlatform.Policies;
using Xunit;

namespace MlPlatform.Tests.Policies;

/// <summary>
/// The Kubernetes syntax rules at their edges: anchors (a final line feed is not "the end"), white space, tabs,
/// non-ASCII letters and the 63/64 and 253/254 character limits.
/// </summary>
public class KubernetesNamesTests
{
    private static readonly string Label63 = new('a', 63);
    private static readonly string Subdomain253 = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61);

    public static TheoryData<string, bool> Dns1123Labels => new()
    {
        { "team-a", true },
        { "a", true },
        { "0abc", true },
        { Label63, true },
        { Label63 + "a", false },
        { "", false },
        { "team-nl\n", false },
        { "team-nl\r\n", false },
        { "\nteam-nl", false },
        { " team-nl", false },
        { "team-nl ", false },
        { "team\tnl", false },
        { "team-é", false },
        { "tëam", false },
        { "Team-a", false },
        { "-team", false },
        { "team-", false },
        { "team.a", false },
        { "team_a", false },
        { "ｔｅａｍ", false },
        { "team\u0661", false },
    };

    [Theory]
    [MemberData(nameof(Dns1123Labels))]
    public void Dns_labels(string value, bool valid) => Assert.Equal(valid, KubernetesNames.IsDns1123Label(value));

    public static TheoryData<string, bool> Dns1123Subdomains => new()
    {
        { "cert-manager.io", true },
        { "a.b.c", true },
        { Subdomain253, true },
        { Subdomain253 + "b", false },
        { "", false },
        { "example.com\n", false },
        { "example.com.", false },
        { ".example.com", false },
        { "example..com", false },
        { "exa mple.com", false },
        { "example.com\t", false },
        { "exämple.com", false },
        { "Example.com", false },
    };

    [Theory]
    [MemberData(nameof(Dns1123Subdomains))]
    public void Dns_subdomains(string value, bool valid) => Assert.Equal(valid, KubernetesNames.IsDns1123Subdomain(value));

    public static TheoryData<string, bool> LabelKeys => new()
    {
        { "app", true },
        { "app.kubernetes.io/name", true },
        { "mlplatform.io/workload", true },
        { "Upper_Case.key-1", true },
        { Label63, true },
        { Label63 + "a", false },
        { $"{Subdomain253}/{Label63}", true },
        { $"{Subdomain253}b/name", false },
        { $"example.com/{Label63}a", false },
        { "", false },
        { "/name", false },
        { "example.com/", false },
        { "a/b/c", false },
        { "app\n", false },
        { "app ", false },
        { " app", false },
        { "ap\tp", false },
        { "äpp", false },
        { "Example.com/name", false },
        { "-app", false },
        { "app.", false },
    };

    [Theory]
    [MemberData(nameof(LabelKeys))]
    public void Label_and_annotation_keys(string value, bool valid)
    {
        Assert.Equal(valid, KubernetesNames.IsLabelKey(value));
        Assert.Equal(valid, KubernetesNames.IsAnnotationKey(value));
    }

    public static TheoryData<string, bool> LabelValues => new()
    {
        { "", true },
        { "batch", true },
        { "Batch_1.x-y", true },
        { Label63, true },
        { Label63 + "a", false },
        { "batch\n", false },
        { "batch\r", false },
        { "\nbatch", false },
        { "batch ", false },
        { " batch", false },
        { "bat\tch", false },
        { "bätch", false },
        { "batch/x", false },
        { "-batch", false },
        { "batch.", false },
    };

    [Theory]
    [MemberData(nameof(LabelValues))]
    public void Label_values(string value, bool valid) => Assert.Equal(valid, KubernetesNames.IsLabelValue(value));

    public static TheoryData<string, bool> Quantities => new()
    {
        { "4", true },
        { "0", true },
        { "500m", true },
        { "64Gi", true },
        { "1.5", true },
        { ".5", true },
        { "+2", true },
        { "1e3", true },
        { "2E-2", true },
        { "4\n", false },
        { "4\r\n", false },
        { "\n4", false },
        { " 4", false },
        { "4 ", false },
        { "4\t", false },
        { "-1", false },
        { "", false },
        { "4GB", false },
        { "4gi", false },
        { "٤", false },
        { "４", false },
        { "1.2.3", false },
        { "Gi", false },
    };

    [Theory]
    [MemberData(nameof(Quantities))]
    public void Non_negative_quantities(string value, bool valid) => Assert.Equal(valid, KubernetesNames.IsNonNegativeQuantity(value));
}
