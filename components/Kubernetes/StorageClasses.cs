using System.Collections.Immutable;
using Pulumi;
using Pulumi.Kubernetes.Types.Inputs.Meta.V1;
using Pulumi.Kubernetes.Types.Inputs.Storage.V1;
using K8s = Pulumi.Kubernetes;

namespace MlPlatform.Components.Kubernetes;

/// <summary>Inputs of <see cref="StorageClasses"/>.</summary>
public sealed class StorageClassesArgs
{
    /// <summary>The classes to create; at most one may be the default.</summary>
    public ImmutableArray<PlatformStorageClass> Classes { get; init; } = [];

    /// <summary>Labels on every StorageClass.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// The platform's StorageClasses. EKS from 1.30 marks no class as default and the platform's volumes must not
/// depend on what a cluster happens to ship, so every claim the platform creates names one of these.
/// </summary>
public sealed class StorageClasses : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:kubernetes:StorageClasses";

    /// <summary>The annotation that makes a class the default for claims that name none.</summary>
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";

    /// <summary>Creates one StorageClass per entry.</summary>
    public StorageClasses(string name, StorageClassesArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        if (args.Classes.Count(c => c.IsDefault) > 1)
        {
            throw new ArgumentException("At most one StorageClass may be the default.", nameof(args));
        }

        if (args.Classes.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != args.Classes.Length)
        {
            throw new ArgumentException("StorageClass names must be distinct.", nameof(args));
        }

        var classes = ImmutableDictionary.CreateBuilder<string, K8s.Storage.V1.StorageClass>();
        foreach (var storageClass in args.Classes)
        {
            var spec = storageClass.Spec;
            var parameters = new InputMap<string>();
            foreach (var (key, value) in spec.Parameters)
            {
                parameters.Add(key, value);
            }

            var metadata = new ObjectMetaArgs { Name = storageClass.Name, Labels = args.Labels };
            if (storageClass.IsDefault)
            {
                // Kubernetes 1.26+ picks the newest default when several are marked (a cloud's own default stays
                // marked on AKS and GKE, whose add-on managers reconcile it): the platform's class is created later.
                metadata.Annotations = new InputMap<string> { [DefaultClassAnnotation] = "true" };
            }

            var classArgs = new StorageClassArgs
            {
                Metadata = metadata,
                Provisioner = spec.Provisioner,
                Parameters = parameters,
                ReclaimPolicy = spec.ReclaimPolicy,
                VolumeBindingMode = spec.VolumeBindingMode,
                AllowVolumeExpansion = spec.AllowVolumeExpansion,
            };
            if (!spec.MountOptions.IsEmpty)
            {
                classArgs.MountOptions = spec.MountOptions.ToList();
            }

            classes[storageClass.Name] = new K8s.Storage.V1.StorageClass($"{name}-{storageClass.Name}", classArgs, new CustomResourceOptions { Parent = this });
        }

        Classes = classes.ToImmutable();
        RegisterOutputs(new Dictionary<string, object?> { ["names"] = args.Classes.Select(c => c.Name).ToList() });
    }

    /// <summary>The StorageClasses by name.</summary>
    public ImmutableDictionary<string, K8s.Storage.V1.StorageClass> Classes { get; }
}
