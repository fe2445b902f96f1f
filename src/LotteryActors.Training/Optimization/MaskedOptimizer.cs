using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
/// The pass runs on the widest vectors the processor accelerates (512 bits with AVX-512, where .NET keeps
/// <c>Vector&lt;T&gt;</c> at 256): on this project's machine Adam's update took 0.12-0.15 ms a step instead of 0.22
/// (README, "Machine and trainer").
/// Every element is computed by the same sequence of float operations whatever the vector width (no fused
/// multiply-adds), so the update is bitwise deterministic and gives the same bits at every width.
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
    private readonly LaneWidth width;
    private long steps;

    /// <param name="fuseOnCpu">False forces the libtorch path everywhere, so that it can be checked on a CPU.</param>
    /// <param name="width">The fused pass's vector width: by default the widest accelerated; tests force each.
    /// </param>
    public MaskedOptimizer(IEnumerable<MaskedParameter> parameters, OptimizerKind kind, double momentum,
        double weightDecay, bool fuseOnCpu = true, LaneWidth width = LaneWidth.Widest)
    {
        this.kind = kind;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.width = width == LaneWidth.Widest ? Lanes.Widest : width;
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

    private void FusedAdam(Slot slot, Tensor grad, AdamUpdate update) =>
        Lanes.Run(width, update, Floats(slot.Parameter), Floats(grad), Floats(slot.State[0]), Floats(slot.State[1]),
            slot.Mask is null ? [] : Floats(slot.Mask));

    private void FusedSgd(Slot slot, Tensor grad, SgdUpdate update) =>
        Lanes.Run(width, update, Floats(slot.Parameter), Floats(grad),
            slot.State.Length > 0 ? Floats(slot.State[0]) : [], [], slot.Mask is null ? [] : Floats(slot.Mask));

    /// <summary>The tensor's own memory, not a copy; callers checked it is contiguous float32 on the CPU.</summary>
    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>One update of a vector of lanes: weight, gradient (zeroed), up to two state vectors, mask.</summary>
    private interface ILaneUpdate
    {
        void Apply<TVector>(ref TVector weight, ref TVector gradient, ref TVector first, ref TVector second,
            TVector keep) where TVector : struct, ILanes<TVector>;
    }

    /// <summary>
    /// Adam with the bias correction of the second moment moved out of the denominator:
    /// m / (sqrt(v) / c + eps) = c * m / (sqrt(v) + eps * c), one square root and one division per weight instead
    /// of a square root and two divisions, which bound the pass; equal to TorchSharp's order to float rounding.
    /// </summary>
    private readonly record struct AdamUpdate(float WeightDecay, float Beta1, float OneMinusBeta1, float Beta2,
        float OneMinusBeta2, float ScaledEpsilon, float ScaledNegativeStepSize) : ILaneUpdate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TVector>(ref TVector weight, ref TVector gradient, ref TVector first, ref TVector second,
            TVector keep) where TVector : struct, ILanes<TVector>
        {
            var g = gradient * keep + weight * TVector.Splat(WeightDecay);
            first = first * TVector.Splat(Beta1) + g * TVector.Splat(OneMinusBeta1);
            second = second * TVector.Splat(Beta2) + g * g * TVector.Splat(OneMinusBeta2);
            var denominator = TVector.Sqrt(second) + TVector.Splat(ScaledEpsilon);
            weight = (weight + first / denominator * TVector.Splat(ScaledNegativeStepSize)) * keep;
            gradient = TVector.Splat(0);
        }
    }

    /// <summary>SGD; with momentum the buffer is the first state vector (TorchSharp starts it at the first gradient,
    /// which is what momentum times a zero buffer plus that gradient gives).</summary>
    private readonly record struct SgdUpdate(float WeightDecay, float Momentum, bool HasBuffer, float NegativeRate)
        : ILaneUpdate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<TVector>(ref TVector weight, ref TVector gradient, ref TVector first, ref TVector second,
            TVector keep) where TVector : struct, ILanes<TVector>
        {
            var update = gradient * keep + weight * TVector.Splat(WeightDecay);
            if (HasBuffer)
                first = update = first * TVector.Splat(Momentum) + update;
            weight = (weight + update * TVector.Splat(NegativeRate)) * keep;
            gradient = TVector.Splat(0);
        }
    }

    /// <summary>A vector of floats of one width, with the arithmetic the updates use. .NET's fixed-width vectors have
    /// these operators but no generic interface for them, so each width wraps its vector once, here.</summary>
    private interface ILanes<TVector> where TVector : struct, ILanes<TVector>
    {
        static abstract TVector operator +(TVector left, TVector right);

        static abstract TVector operator *(TVector left, TVector right);

        static abstract TVector operator /(TVector left, TVector right);

        static abstract TVector Splat(float value);

        static abstract TVector Sqrt(TVector vector);
    }

    private readonly record struct Lanes128(Vector128<float> V) : ILanes<Lanes128>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes128 operator +(Lanes128 left, Lanes128 right) => new(left.V + right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes128 operator *(Lanes128 left, Lanes128 right) => new(left.V * right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes128 operator /(Lanes128 left, Lanes128 right) => new(left.V / right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes128 Splat(float value) => new(Vector128.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes128 Sqrt(Lanes128 vector) => new(Vector128.Sqrt(vector.V));
    }

    private readonly record struct Lanes256(Vector256<float> V) : ILanes<Lanes256>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left.V + right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left.V * right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 operator /(Lanes256 left, Lanes256 right) => new(left.V / right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Splat(float value) => new(Vector256.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes256 Sqrt(Lanes256 vector) => new(Vector256.Sqrt(vector.V));
    }

    private readonly record struct Lanes512(Vector512<float> V) : ILanes<Lanes512>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left.V + right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left.V * right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 operator /(Lanes512 left, Lanes512 right) => new(left.V / right.V);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Splat(float value) => new(Vector512.Create(value));
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes512 Sqrt(Lanes512 vector) => new(Vector512.Sqrt(vector.V));
    }

    /// <summary>
    /// Runs an update over whole tensors. The last, short stretch goes through zero-padded copies, so the tail is
    /// computed by the very same vector code as the rest rather than by a scalar twin that could drift from it.
    /// An empty state span stands for state the update does not use; an empty mask keeps every lane. The update and
    /// the vector type are struct type parameters so that the JIT specialises and inlines them: no delegate call, no
    /// allocation.
    /// </summary>
    private static class Lanes
    {
        /// <summary>The widest vectors the processor accelerates (.NET reports 512 bits as not accelerated where
        /// they would lower the clock).</summary>
        public static LaneWidth Widest => Vector512.IsHardwareAccelerated ? LaneWidth.Bits512
            : Vector256.IsHardwareAccelerated ? LaneWidth.Bits256 : LaneWidth.Bits128;

        public static void Run<TUpdate>(LaneWidth width, TUpdate update, Span<float> weight, Span<float> gradient,
            Span<float> first, Span<float> second, Span<float> mask) where TUpdate : struct, ILaneUpdate
        {
            switch (width)
            {
                case LaneWidth.Bits512:
                    Run<TUpdate, Lanes512>(update, weight, gradient, first, second, mask);
                    break;
                case LaneWidth.Bits256:
                    Run<TUpdate, Lanes256>(update, weight, gradient, first, second, mask);
                    break;
                default:
                    Run<TUpdate, Lanes128>(update, weight, gradient, first, second, mask);
                    break;
            }
        }

        // Compiled optimised at once: tiered start-up code runs vector loops many times slower, and a trainer spends
        // its first seconds there (the bench saw Adam at 0.65 of SGD until the JIT caught up). The updates and the
        // lane operators it calls are marked for inlining as well: left as calls, they ran as tier-0 code until the
        // JIT tiered them up, which a process busy compiling its actors delays by seconds (perf on a resumed search:
        // a sixth of its CPU in their tier-0 bodies before the first step).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Run<TUpdate, TVector>(TUpdate update, Span<float> weight, Span<float> gradient,
            Span<float> first, Span<float> second, Span<float> mask)
            where TUpdate : struct, ILaneUpdate
            where TVector : struct, ILanes<TVector>
        {
            var count = Unsafe.SizeOf<TVector>() / sizeof(float);
            var whole = weight.Length - weight.Length % count;
            var w = MemoryMarshal.Cast<float, TVector>(weight[..whole]);
            var g = MemoryMarshal.Cast<float, TVector>(gradient[..whole]);
            var a = first.IsEmpty ? [] : MemoryMarshal.Cast<float, TVector>(first[..whole]);
            var b = second.IsEmpty ? [] : MemoryMarshal.Cast<float, TVector>(second[..whole]);
            var k = mask.IsEmpty ? [] : MemoryMarshal.Cast<float, TVector>(mask[..whole]);
            var one = TVector.Splat(1);
            TVector unusedFirst = default, unusedSecond = default;
            for (var i = 0; i < w.Length; i++)
                update.Apply(ref w[i], ref g[i], ref a.IsEmpty ? ref unusedFirst : ref a[i],
                    ref b.IsEmpty ? ref unusedSecond : ref b[i], k.IsEmpty ? one : k[i]);
            if (whole < weight.Length)
                Tail<TUpdate, TVector>(update, weight[whole..], gradient[whole..],
                    first.IsEmpty ? [] : first[whole..], second.IsEmpty ? [] : second[whole..],
                    mask.IsEmpty ? [] : mask[whole..]);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Tail<TUpdate, TVector>(TUpdate update, Span<float> weight, Span<float> gradient,
            Span<float> first, Span<float> second, Span<float> mask)
            where TUpdate : struct, ILaneUpdate
            where TVector : struct, ILanes<TVector>
        {
            var count = Unsafe.SizeOf<TVector>() / sizeof(float);
            Span<float> lanes = stackalloc float[5 * count];
            lanes.Clear();
            weight.CopyTo(lanes[..count]);
            gradient.CopyTo(lanes.Slice(count, count));
            first.CopyTo(lanes.Slice(2 * count, count));
            second.CopyTo(lanes.Slice(3 * count, count));
            mask.CopyTo(lanes.Slice(4 * count, count));
            var vectors = MemoryMarshal.Cast<float, TVector>(lanes);
            update.Apply(ref vectors[0], ref vectors[1], ref vectors[2], ref vectors[3],
                mask.IsEmpty ? TVector.Splat(1) : vectors[4]);
            lanes[..weight.Length].CopyTo(weight);
            lanes.Slice(count, gradient.Length).CopyTo(gradient);
            lanes.Slice(2 * count, first.Length).CopyTo(first);
            lanes.Slice(3 * count, second.Length).CopyTo(second);
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

/// <summary>The vector width of the fused update; <see cref="Widest"/> is the widest the processor accelerates.
/// </summary>
public enum LaneWidth { Widest, Bits128, Bits256, Bits512 }
