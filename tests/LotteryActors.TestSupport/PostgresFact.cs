using LotteryActors.Benchmarks.Harness;

namespace LotteryActors.TestSupport;

/// <summary>A fact that needs <see cref="TempPostgres"/>: skipped, with the reason, without PostgreSQL.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TempPostgres.WhyNot is { } reason)
            Skip = reason;
    }
}

/// <summary>A fact that needs both <see cref="TempPostgres"/> and a <see cref="SmallDisk"/>: skipped, with the
/// reason, where either is missing.</summary>
public sealed class PostgresAndMountFactAttribute : FactAttribute
{
    public PostgresAndMountFactAttribute()
    {
        if ((TempPostgres.WhyNot ?? SmallDisk.WhyNot) is { } reason)
            Skip = reason;
    }
}
