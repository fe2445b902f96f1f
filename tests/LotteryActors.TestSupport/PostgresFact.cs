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
