namespace MlPlatform.Tests.Addons;

/// <summary>Type tokens the add-on tests look for.</summary>
internal static class Types
{
    public const string Release = "kubernetes:helm.sh/v3:Release";
    public const string InferenceService = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
    public const string WorkflowTemplate = "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate";
    public const string Application = "kubernetes:argoproj.io/v1alpha1:Application";
    public const string ExternalSecret = "kubernetes:external-secrets.io/v1:ExternalSecret";
    public const string Secret = "kubernetes:core/v1:Secret";
    public const string Namespace = "kubernetes:core/v1:Namespace";
    public const string ConfigMap = "kubernetes:core/v1:ConfigMap";
    public const string Pvc = "kubernetes:core/v1:PersistentVolumeClaim";
    public const string Pdb = "kubernetes:policy/v1:PodDisruptionBudget";
    public const string Role = "kubernetes:rbac.authorization.k8s.io/v1:Role";
    public const string RoleBinding = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
    public const string ServiceAccount = "kubernetes:core/v1:ServiceAccount";
}
