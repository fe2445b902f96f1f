using System.Diagnostics;
using LotteryActors.Benchmarks.Training;

namespace LotteryActors.Training.Tests.Benchmarks;

public sealed class ThreadCpuTests
{
    /// <summary>Two threads of one kind (names that differ only in digits) spin on the CPU between two samples:
    /// their time is counted together, under the name without digits. A tick is 10 ms, so 300 ms of spinning each
    /// cannot read zero however loaded the machine. A thread that has ended is gone from the kernel's list, so the
    /// spinners wait until the second sample is read.</summary>
    [Fact]
    public void The_CPU_a_kind_of_thread_used_between_two_samples_is_counted_under_its_name_without_digits()
    {
        var before = ThreadCpu.Sample();
        using var sampled = new ManualResetEventSlim();
        using var spun = new CountdownEvent(2);
        var spinners = new[] { "spinner 1", "spinner 22" }.Select(name => new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            while (clock.ElapsedMilliseconds < 300)
                Thread.SpinWait(1000);
            spun.Signal();
            sampled.Wait();
        }) { Name = name }).ToList();
        spinners.ForEach(t => t.Start());
        spun.Wait();

        var used = ThreadCpu.Sample().Since(before);
        sampled.Set();
        spinners.ForEach(t => t.Join());

        Assert.InRange(used["spinner"], 0.01, 10);
        Assert.DoesNotContain(used.Keys, k => k.Any(char.IsDigit));
        Assert.Equal(used.Values.OrderByDescending(v => v), used.Values);
    }
}
