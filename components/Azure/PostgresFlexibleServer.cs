using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Pulumi;
using Pulumi.AzureNative.DBforPostgreSQL;
using Pulumi.AzureNative.DBforPostgreSQL.Inputs;
using Pulumi.AzureNative.KeyVault;
using Pulumi.AzureNative.KeyVault.Inputs;
using Pulumi.Random;
using BackupArgs = Pulumi.AzureNative.DBforPostgreSQL.Inputs.BackupArgs;
using SkuArgs = Pulumi.AzureNative.DBforPostgreSQL.Inputs.SkuArgs;

namespace MlPlatform.Components.Azure;

/// <summary>Inputs of <see cref="PostgresFlexibleServer"/>.</summary>
public sealed class PostgresFlexibleServerArgs
{
    /// <summary>The resource group.</summary>
    public required Input<string> ResourceGroupName { get; init; }

    /// <summary>The Azure location.</summary>
    public required string Location { get; init; }

    /// <summary>The server's name (globally unique: <see cref="AzureNames.PostgresServer"/>).</summary>
    public required Input<string> ServerName { get; init; }

    /// <summary>The database to create.</summary>
    public required string DatabaseName { get; init; }

    /// <summary>The administrator login (also the application's user).</summary>
    public required string AdministratorLogin { get; init; }

    /// <summary>The compute size, e.g. <c>Standard_D4ds_v5</c>.</summary>
    public required string Sku { get; init; }

    /// <summary>The size's tier: <c>Burstable</c>, <c>GeneralPurpose</c> or <c>MemoryOptimized</c>.</summary>
    public required string Tier { get; init; }

    /// <summary>Storage in GiB (grows automatically).</summary>
    public required int StorageSizeGb { get; init; }

    /// <summary>Days of backups (7 to 35).</summary>
    public int BackupRetentionDays { get; init; } = 7;

    /// <summary>Copy backups to the paired region (can only be chosen at creation).</summary>
    public bool GeoRedundantBackup { get; init; }

    /// <summary>A standby in another zone with automatic failover.</summary>
    public bool ZoneRedundantHighAvailability { get; init; }

    /// <summary>The PostgreSQL major version.</summary>
    public required string Version { get; init; }

    /// <summary>The subnet delegated to flexible servers (private access).</summary>
    public required Input<string> DelegatedSubnetId { get; init; }

    /// <summary>The private DNS zone the server's name is registered in.</summary>
    public required Input<string> PrivateDnsZoneId { get; init; }

    /// <summary>What must exist first: the zone's link to the VNet (the server resolves its own name through it).</summary>
    public ImmutableArray<Resource> NetworkReady { get; init; } = [];

    /// <summary>The Key Vault the credentials go to.</summary>
    public required Input<string> VaultName { get; init; }

    /// <summary>The Key Vault secret holding the credentials (JSON with a <c>password</c> property).</summary>
    public required string SecretName { get; init; }

    /// <summary>The day (0 = Sunday) and UTC hour of the server's own maintenance.</summary>
    public (int DayOfWeek, int StartHour) MaintenanceWindow { get; init; } = (0, 2);

    /// <summary>Tags.</summary>
    public ImmutableDictionary<string, string> Tags { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>
/// Azure Database for PostgreSQL flexible server for a platform service: private access only (in the delegated
/// subnet, public network access disabled, its name in the private DNS zone), TLS enforced, backups with
/// geo-redundancy and a zone-redundant standby in production, a generated administrator password kept as a Key Vault
/// secret (never in configuration), the database, and the server parameters the service relies on; the server, the
/// database and the secret are protected.
/// </summary>
public sealed class PostgresFlexibleServer : ComponentResource
{
    /// <summary>The component's type token.</summary>
    public const string TypeToken = "mlplatform:azure:PostgresFlexibleServer";

    /// <summary>The PostgreSQL port.</summary>
    public const int PostgresPort = 5432;

    /// <summary>The special characters of the generated password: those that need no escaping in a connection URL.</summary>
    public const string PasswordSpecials = "-_.~";

    /// <summary>
    /// The server parameters set: TLS only (MLflow connects over TLS), and connection logging for the audit trail.
    /// </summary>
    public static ImmutableArray<(string Name, string Value)> ServerParameters { get; } =
    [
        ("require_secure_transport", "on"),
        ("log_connections", "on"),
        ("log_disconnections", "on"),
    ];

    /// <summary>Creates the server.</summary>
    public PostgresFlexibleServer(string name, PostgresFlexibleServerArgs args, ComponentResourceOptions? options = null)
        : base(TypeToken, name, options)
    {
        var child = new CustomResourceOptions { Parent = this };

        // Flexible server wants three of upper, lower, digits and specials; the password also ends up in a
        // connection URL (MLflow's backend store), so only URL-unreserved specials.
        var password = new RandomPassword($"{name}-password", new RandomPasswordArgs
        {
            Length = 40,
            Special = true,
            OverrideSpecial = PasswordSpecials,
            MinUpper = 2,
            MinLower = 2,
            MinNumeric = 2,
            MinSpecial = 2,
        }, child);
        Password = Output.CreateSecret(password.Result);

        var serverOptions = new CustomResourceOptions { Parent = this, Protect = true };
        serverOptions.DependsOn.AddRange(args.NetworkReady.Select(r => (Input<Resource>)r).ToList());
        var server = new Server(name, new ServerArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ServerName = args.ServerName,
            Location = args.Location,
            Version = args.Version,
            AdministratorLogin = args.AdministratorLogin,
            AdministratorLoginPassword = Password,
            AuthConfig = new AuthConfigArgs { PasswordAuth = PasswordBasedAuth.Enabled, ActiveDirectoryAuth = MicrosoftEntraAuth.Disabled },
            Sku = new SkuArgs { Name = args.Sku, Tier = args.Tier },
            Storage = new StorageArgs { StorageSizeGB = args.StorageSizeGb, AutoGrow = StorageAutoGrow.Enabled },
            Backup = new BackupArgs
            {
                BackupRetentionDays = args.BackupRetentionDays,
                GeoRedundantBackup = args.GeoRedundantBackup ? GeographicallyRedundantBackup.Enabled : GeographicallyRedundantBackup.Disabled,
            },
            HighAvailability = new HighAvailabilityArgs
            {
                Mode = args.ZoneRedundantHighAvailability
                    ? PostgreSqlFlexibleServerHighAvailabilityMode.ZoneRedundant
                    : PostgreSqlFlexibleServerHighAvailabilityMode.Disabled,
            },
            Network = new NetworkArgs
            {
                DelegatedSubnetResourceId = args.DelegatedSubnetId,
                PrivateDnsZoneArmResourceId = args.PrivateDnsZoneId,
                PublicNetworkAccess = ServerPublicNetworkAccessState.Disabled,
            },
            MaintenanceWindow = new MaintenanceWindowArgs
            {
                CustomWindow = "Enabled",
                DayOfWeek = args.MaintenanceWindow.DayOfWeek,
                StartHour = args.MaintenanceWindow.StartHour,
                StartMinute = 0,
            },
            Tags = AzureTags.Of(args.Tags),
        }, serverOptions);
        Host = server.FullyQualifiedDomainName;
        ServerId = server.Id;

        _ = new Database($"{name}-{args.DatabaseName}", new DatabaseArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            ServerName = server.Name,
            DatabaseName = args.DatabaseName,
            Charset = "UTF8",
            Collation = "en_US.utf8",
        }, new CustomResourceOptions { Parent = this, Protect = true });

        // One parameter at a time: the server refuses concurrent configuration changes.
        Resource previous = server;
        foreach (var (parameter, value) in ServerParameters)
        {
            previous = new Configuration($"{name}-{parameter.Replace('_', '-')}", new ConfigurationArgs
            {
                ResourceGroupName = args.ResourceGroupName,
                ServerName = server.Name,
                ConfigurationName = parameter,
                Value = value,
                Source = "user-override",
            }, new CustomResourceOptions { Parent = this, DependsOn = { previous } });
        }

        var secret = new Secret($"{name}-credentials", new SecretArgs
        {
            ResourceGroupName = args.ResourceGroupName,
            VaultName = args.VaultName,
            SecretName = args.SecretName,
            Properties = new SecretPropertiesArgs
            {
                ContentType = "application/json",
                Value = Output.Tuple(server.FullyQualifiedDomainName, Password)
                    .Apply(t => Output.CreateSecret(CredentialsJson(t.Item1, PostgresPort, args.DatabaseName, args.AdministratorLogin, t.Item2))),
            },
            Tags = AzureTags.Of(args.Tags),
        }, new CustomResourceOptions { Parent = this, Protect = true });
        SecretName = secret.Name;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["host"] = Host,
            ["port"] = PostgresPort,
            ["secretName"] = SecretName,
        });
    }

    /// <summary>The credentials' JSON, shaped like the AWS stack's secret (external-secrets reads <c>password</c>).</summary>
    public static string CredentialsJson(string host, int port, string database, string username, string password) =>
        new JsonObject
        {
            ["engine"] = "postgres",
            ["host"] = host,
            ["port"] = port,
            ["dbname"] = database,
            ["username"] = username,
            ["password"] = password,
        }.ToJsonString();

    /// <summary>The server's host name (resolved through the private DNS zone).</summary>
    public Output<string> Host { get; }

    /// <summary>The port.</summary>
    public Output<int> Port => Output.Create(PostgresPort);

    /// <summary>The server's id.</summary>
    public Output<string> ServerId { get; }

    /// <summary>The administrator password (a secret).</summary>
    public Output<string> Password { get; }

    /// <summary>The Key Vault secret's name.</summary>
    public Output<string> SecretName { get; }
}
