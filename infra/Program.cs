using MlPlatform.Infra;
using MlPlatform.Stacks;
using Pulumi;

// Under the Pulumi CLI the program deploys; `plan` runs the same program offline under the mock engine.
return args is ["plan", ..]
    ? await PlanCommand.RunAsync(args[1..], Console.Out, Console.Error)
    : await Deployment.RunAsync(PlatformProgram.Run);
