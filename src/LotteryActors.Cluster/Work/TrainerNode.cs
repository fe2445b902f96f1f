namespace LotteryActors.Cluster.Work;

/// <summary>
/// A trainer node as the journal knows it: its slots, since when (its latest registration), and when it was
/// recorded as gone (null while it is a member).
/// </summary>
public sealed record TrainerNode(int Slots, DateTimeOffset Since, DateTimeOffset? LeftAt)
{
    public bool Present => LeftAt is null;
}
