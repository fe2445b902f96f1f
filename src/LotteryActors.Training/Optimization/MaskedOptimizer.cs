using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LotteryActors.Training.Spec;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LotteryActors.Training.Optimization;

/// <summary>A parameter to optimise and its pruning mask (0/1 floats, same shape); null where nothing is pruned.
/// </summary>
public sealed record MaskedParameter(Parameter Parameter, Tensor? Mask);

/// <summary>
/// Adam and SGD with momentum, with the same maths as TorchSharp's <c>optim.Adam</c> and <c>optim.SGD</c> (L2 weight
/// decay added to the gradient, Adam's bias corrections per step), but with the pruning mask folded into the update:
/// the gradient is masked, the moments updated, the weight moved and masked again, and the gradient zeroed for the
/// next backward pass, all in one pass over each parameter's memory. TorchSharp's Adam makes about seven passes and
/// allocates a temporary per parameter and step; on small models that was a quarter of the trainer's time.
/// The fused pass runs on contiguous float32 CPU tensors; any other parameter (a CUDA one, say) is updated with
/// libtorch ops in the same order, with every Scalar disposed by us rather than left to the finalizer thread.
/// Every element is computed by the same sequence of float operations whatever the vector width, so the fused
/// update is bitwise deterministic.
/// </summary>
public sealed class MaskedOptimizer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly Slot[] slots;
    private readonly OptimizerKind kind;
    private readonly double momentum;
    private readonly double weightDecay;
    private long steps;

    /// <param name="fuseOnCpu">False forces the libtorch path everywhere, so that it can be checked on a CPU.</param>
    public MaskedOptimizer(IEnumerable<MaskedParameter> parameters, OptimizerKind kind, double momentum,
        double weightDecay, bool fuseOnCpu = true)
    {
        this.kind = kind;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        slots = parameters.Select(p => new Slot(p, kind == OptimizerKind.Adam ? 2 : momentum != 0 ? 1 : 0, fuseOnCpu))
            .ToArray();
    }

    /// <summary>Whether every parameter takes the one-pass CPU update (false: some go through libtorch ops).</summary>
    public bool IsFused => slots.All(s => s.Fused);

    /// <summary>Applies one update at <paramref name="learningRate"/> and leaves every gradient at zero.</summary>
    public void Step(double learningRate)
    {
        steps++;
        foreach (var slot in slots)
        {
            using var grad = slot.Parameter.grad;
            if (grad is null)
                continue;
            if (kind == OptimizerKind.Adam)
                AdamStep(slot, grad, learningRate);
            else
                SgdStep(slot, grad, learningRate);
        }
    }

    private void AdamStep(Slot slot, Tensor grad, double learningRate)
    {
        var stepSize = learningRate / (1 - Math.Pow(Beta1, steps));
        var correction2 = Math.Sqrt(1 - Math.Pow(Beta2, steps));
        if (slot.Fused && Slot.IsFusable(grad))
        {
            FusedAdam(slot, grad, new AdamUpdate((float)weightDecay, (float)Beta1, (float)(1 - Beta1),
                (float)Beta2, (float)(1 - Beta2), (float)(Epsilon * correction2), (float)(-stepSize * correction2)));
            return;
        }
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var g = Gradient(slot, grad);
        var (m, v) = (slot.State[0], slot.State[1]);
        using var beta1 = Beta1.ToScalar();
        using var oneMinusBeta1 = (1 - Beta1).ToScalar();
        using var beta2 = Beta2.ToScalar();
        using var oneMinusBeta2 = (1 - Beta2).ToScalar();
        using var correction = correction2.ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var negativeStep = (-stepSize).ToScalar();
        m.mul_(beta1).add_(g, oneMinusBeta1);
        v.mul_(beta2).addcmul_(g, g, oneMinusBeta2);
        var denominator = v.sqrt().div_(correction).add_(epsilon);
        slot.Parameter.addcdiv_(m, denominator, negativeStep);
        FinishUnfused(slot, grad);
    }

    private void SgdStep(Slot slot, Tensor grad, double learningRate)
    {
        if (slot.Fused && Slot.IsFusable(grad))
        {
            FusedSgd(slot, grad,
                new SgdUpdate((float)weightDecay, (float)momentum, slot.State.Length > 0, (float)-learningRate));
            return;
        }
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var update = Gradient(slot, grad);
        using var decay = momentum.ToScalar();
        using var negativeRate = (-learningRate).ToScalar();
        if (slot.State.Length > 0)
            update = slot.State[0].mul_(decay).add_(update);
        slot.Parameter.add_(update, negativeRate);
        FinishUnfused(slot, grad);
    }

    /// <summary>The masked gradient plus the L2 term, as a new tensor (the libtorch path).</summary>
    private Tensor Gradient(Slot slot, Tensor grad)
    {
        var g = slot.Mask is null ? grad.clone() : grad.mul(slot.Mask);
        if (weightDecay == 0)
            return g;
        using var decay = weightDecay.ToScalar();
        return g.add_(slot.Parameter, decay);
    }

    private static void FinishUnfused(Slot slot, Tensor grad)
    {
        if (slot.Mask is not null)
            slot.Parameter.mul_(slot.Mask);
        grad.zero_();
    }

    private static void FusedAdam(Slot slot, Tensor grad, AdamUpdate update) =>
        Lanes.Run(update, Floats(slot.Parameter), Floats(grad), Floats(slot.State[0]), Floats(slot.State[1]),
            slot.Mask is null ? [] : Floats(slot.Mask));

    private static void FusedSgd(Slot slot, Tensor grad, SgdUpdate update) =>
        Lanes.Run(update, Floats(slot.Parameter), Floats(grad), slot.State.Length > 0 ? Floats(slot.State[0]) : [], [],
            slot.Mask is null ? [] : Floats(slot.Mask));

    /// <summary>The tensor's own memory, not a copy; callers checked it is contiguous float32 on the CPU.</summary>
    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>One update of a vector of lanes: weight, gradient (zeroed), up to two state vectors, mask.</summary>
    private interface ILaneUpdate
    {
        void Apply(ref Vector<float> weight, ref Vector<float> gradient, ref Vector<float> first,
            ref Vector<float> second, Vector<float> keep);
    }

    /// <summary>
    /// Adam with the bias correction of the second moment moved out of the denominator:
    /// m / (sqrt(v) / c + eps) = c * m / (sqrt(v) + eps * c), one square root and one division per weight instead
    /// of a square root and two divisions, which bound the pass; equal to TorchSharp's order to float rounding.
    /// </summary>
    private readonly record struct AdamUpdate(float WeightDecay, float Beta1, float OneMinusBeta1, float Beta2,
        float OneMinusBeta2, float ScaledEpsilon, float ScaledNegativeStepSize) : ILaneUpdate
    {
        public void Apply(ref Vector<float> weight, ref Vector<float> gradient, ref Vector<float> first,
            ref Vector<float> second, Vector<float> keep)
        {
            var g = gradient * keep + weight * WeightDecay;
            first = first * Beta1 + g * OneMinusBeta1;
            second = second * Beta2 + g * g * OneMinusBeta2;
            var denominator = Vector.SquareRoot(second) + new Vector<float>(ScaledEpsilon);
            weight = (weight + first / denominator * ScaledNegativeStepSize) * keep;
            gradient = Vector<float>.Zero;
        }
    }

    /// <summary>SGD; with momentum the buffer is the first state vector (TorchSharp starts it at the first gradient,
    /// which is what momentum times a zero buffer plus that gradient gives).</summary>
    private readonly record struct SgdUpdate(float WeightDecay, float Momentum, bool HasBuffer, float NegativeRate)
        : ILaneUpdate
    {
        public void Apply(ref Vector<float> weight, ref Vector<float> gradient, ref Vector<float> first,
            ref Vector<float> second, Vector<float> keep)
        {
            var update = gradient * keep + weight * WeightDecay;
            if (HasBuffer)
                first = update = first * Momentum + update;
            weight = (weight + update * NegativeRate) * keep;
            gradient = Vector<float>.Zero;
        }
    }

    /// <summary>
    /// Runs an update over whole tensors. The last, short stretch goes through zero-padded copies, so the tail is
    /// computed by the very same vector code as the rest rather than by a scalar twin that could drift from it.
    /// An empty state span stands for state the update does not use; an empty mask keeps every lane. The update is
    /// a struct type parameter so that the JIT specialises and inlines it: no delegate call, no allocation.
    /// </summary>
    private static class Lanes
    {
        // Compiled optimised at once: tiered start-up code runs vector loops many times slower, and a trainer spends
        // its first seconds there (the bench saw Adam at 0.65 of SGD until the JIT caught up).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run<TUpdate>(TUpdate update, Span<float> weight, Span<float> gradient, Span<float> first,
            Span<float> second, Span<float> mask) where TUpdate : struct, ILaneUpdate
        {
            var width = Vector<float>.Count;
            var whole = weight.Length - weight.Length % width;
            var w = MemoryMarshal.Cast<float, Vector<float>>(weight[..whole]);
            var g = MemoryMarshal.Cast<float, Vector<float>>(gradient[..whole]);
            var a = first.IsEmpty ? [] : MemoryMarshal.Cast<float, Vector<float>>(first[..whole]);
            var b = second.IsEmpty ? [] : MemoryMarshal.Cast<float, Vector<float>>(second[..whole]);
            var k = mask.IsEmpty ? [] : MemoryMarshal.Cast<float, Vector<float>>(mask[..whole]);
            Vector<float> unusedFirst = default, unusedSecond = default;
            for (var i = 0; i < w.Length; i++)
                update.Apply(ref w[i], ref g[i], ref a.IsEmpty ? ref unusedFirst : ref a[i],
                    ref b.IsEmpty ? ref unusedSecond : ref b[i], k.IsEmpty ? Vector<float>.One : k[i]);
            if (whole < weight.Length)
                Tail(update, weight[whole..], gradient[whole..], first.IsEmpty ? [] : first[whole..],
                    second.IsEmpty ? [] : second[whole..], mask.IsEmpty ? [] : mask[whole..]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Tail<TUpdate>(TUpdate update, Span<float> weight, Span<float> gradient, Span<float> first,
            Span<float> second, Span<float> mask) where TUpdate : struct, ILaneUpdate
        {
            var width = Vector<float>.Count;
            Span<float> lanes = stackalloc float[5 * width];
            lanes.Clear();
            weight.CopyTo(lanes[..width]);
            gradient.CopyTo(lanes.Slice(width, width));
            first.CopyTo(lanes.Slice(2 * width, width));
            second.CopyTo(lanes.Slice(3 * width, width));
            mask.CopyTo(lanes.Slice(4 * width, width));
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(lanes);
            update.Apply(ref vectors[0], ref vectors[1], ref vectors[2], ref vectors[3],
                mask.IsEmpty ? Vector<float>.One : vectors[4]);
            lanes[..weight.Length].CopyTo(weight);
            lanes.Slice(width, gradient.Length).CopyTo(gradient);
            lanes.Slice(2 * width, first.Length).CopyTo(first);
            lanes.Slice(3 * width, second.Length).CopyTo(second);
        }
    }

    public void Dispose()
    {
        foreach (var slot in slots)
            slot.Dispose();
    }

    private sealed class Slot : IDisposable
    {
        public Slot(MaskedParameter parameter, int stateTensors, bool fuseOnCpu)
        {
            Parameter = parameter.Parameter;
            Mask = parameter.Mask;
            if (Mask is not null && !Mask.shape.SequenceEqual(Parameter.shape))
                throw new ArgumentException(
                    $"mask shape [{string.Join(",", Mask.shape)}] does not match "
                    + $"[{string.Join(",", Parameter.shape)}]");
            using (no_grad())
                State = Enumerable.Range(0, stateTensors)
                    .Select(_ => zeros_like(Parameter).DetachFromDisposeScope()).ToArray();
            Fused = fuseOnCpu && IsFusable(Parameter) && (Mask is null || IsFusable(Mask)) && State.All(IsFusable);
        }

        public Parameter Parameter { get; }
        public Tensor? Mask { get; }
        public Tensor[] State { get; }
        public bool Fused { get; }

        public static bool IsFusable(Tensor t) =>
            t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && t.is_contiguous()
            && t.numel() * sizeof(float) <= int.MaxValue;

        public void Dispose()
        {
            foreach (var t in State)
                t.Dispose();
        }
    }
}
