using Akka.Configuration;
using LotteryActors.Training.Engines;
using LotteryActors.Training.Spec;
using TorchSharp;

namespace LotteryActors.Actors.Configuration;

/// <summary>
/// How this node's device trains (<c>lottery.runtime.engine</c>, <c>stack-size</c>, <c>stack-gather</c>): each run
/// on its trainer's own thread, or compatible runs stacked by one engine actor. A stack is always
/// <paramref name="StackSize"/> wide, so its members' bits depend on the stack size but not on who shares the stack;
/// resuming a search with another engine or stack size changes bits within float tolerance, as another device does.
/// </summary>
public sealed record EngineSettings(EngineKind Kind, int StackSize, TimeSpan Gather)
{
    private const string Root = "lottery.runtime";

    public static readonly EngineSettings Default = new(EngineKind.Auto, 8, TimeSpan.FromMilliseconds(200));

    /// <summary>Whether runs on <paramref name="device"/> go through one engine that stacks them.</summary>
    public bool Stacks(DeviceType device) => Kind.On(device) == EngineKind.Stacked;

    public static EngineSettings Read(Config config)
    {
        var c = new SettingsSection(config, Root);
        var kind = c.Enum<EngineKind>("engine");
        var stackSize = c.Int("stack-size");
        if (stackSize < 1)
            throw new SpecException(c.Key("stack-size"), $"is {stackSize}; allowed: 1 or more");
        var gather = c.Time("stack-gather");
        if (gather < TimeSpan.Zero)
            throw new SpecException(c.Key("stack-gather"), $"is {gather}; allowed: 0 or a positive duration");
        return new EngineSettings(kind, stackSize, gather);
    }
}
