namespace LotteryActors.Training.Analysis;

/// <summary>
/// Which members form the ensembles that compare "within one init" with "across inits" at the same size, given the
/// init each member (a ticket at one round) comes from. Both sides have <see cref="ComparableSize"/> members:
/// within, the first members of one init (one ensemble per init); across, one member from each of that many
/// different inits, the j-th member of inits j, j + 1, ... (mod the number of inits), one ensemble per position j.
/// So the only difference between the two sides is whether the members share their init.
/// </summary>
public static class InitEnsembles
{
    /// <summary>The size both sides can reach: the number of inits, or fewer when an init has fewer members.</summary>
    public static int ComparableSize(IReadOnlyList<int> initOfMember)
    {
        var counts = initOfMember.GroupBy(i => i).Select(g => g.Count()).ToList();
        return counts.Count < 2 ? 0 : Math.Min(counts.Count, counts.Min());
    }

    /// <summary>Member indices of each within-init ensemble of <paramref name="size"/> members, by init.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> WithinInit(IReadOnlyList<int> initOfMember, int size) =>
        ByInit(initOfMember).Select(members => (IReadOnlyList<int>)members.Take(size).ToList()).ToList();

    /// <summary>Member indices of each across-init ensemble: <paramref name="size"/> members, no two of one init.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> AcrossInits(IReadOnlyList<int> initOfMember, int size)
    {
        var inits = ByInit(initOfMember);
        if (size > inits.Count)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"only {inits.Count} inits to draw members from");
        var positions = inits.Min(members => members.Count);
        return Enumerable.Range(0, positions)
            .Select(j => (IReadOnlyList<int>)Enumerable.Range(0, size).Select(k => inits[(j + k) % inits.Count][j]).ToList())
            .ToList();
    }

    private static List<List<int>> ByInit(IReadOnlyList<int> initOfMember) =>
        initOfMember.Select((init, member) => (init, member)).GroupBy(p => p.init).OrderBy(g => g.Key)
            .Select(g => g.Select(p => p.member).ToList()).ToList();
}
