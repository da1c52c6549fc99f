using System.Runtime.Intrinsics;

namespace CredalDistill.Numerics;

/// <summary>
/// <see cref="LogMath"/> four lanes at a time (<see cref="Vector256{T}"/>), the same formulas: <c>expm1</c> by the Taylor
/// series to <c>x^16 / 16!</c> below 1/2 in magnitude and <c>e^x - 1</c> above, <c>log1p</c> by Goldberg's
/// <c>log(u) x / (u - 1)</c>, <c>u = 1 + x</c>. <see cref="Vector256.Exp(Vector256{double})"/> and
/// <see cref="Vector256.Log(Vector256{double})"/> are within a few ulps of <see cref="Math.Exp(double)"/> and <see cref="Math.Log(double)"/>.
/// </summary>
internal static class VectorLogMath
{
    /// <summary>
    /// <c>e^x - 1</c> per lane: below 1/2 in magnitude the Taylor series of <see cref="LogMath.ExpM1"/>,
    /// <c>x + x^2 sum_{i=0}^{14} x^i / (i + 2)!</c>, with the sum by Estrin's scheme (fused multiply-adds, depth 4 instead of
    /// Horner's 15; the same series, within an ulp of it); <c>e^x - 1</c> above.
    /// </summary>
    public static Vector256<double> ExpM1(Vector256<double> x)
    {
        var small = Vector256.LessThan(Vector256.Abs(x), Vector256.Create(0.5)).AsUInt64();
        if (Vector256.EqualsAll(small, Vector256<ulong>.Zero))
        {
            return Vector256.Exp(x) - Vector256<double>.One;
        }

        var x2 = x * x;
        var x4 = x2 * x2;
        var x8 = x4 * x4;
        var q0 = Fma(x, 1.0 / 6.0, 0.5);
        var q1 = Fma(x, 1.0 / 120.0, 1.0 / 24.0);
        var q2 = Fma(x, 1.0 / 5040.0, 1.0 / 720.0);
        var q3 = Fma(x, 1.0 / 362880.0, 1.0 / 40320.0);
        var q4 = Fma(x, 1.0 / 39916800.0, 1.0 / 3628800.0);
        var q5 = Fma(x, 1.0 / 6227020800.0, 1.0 / 479001600.0);
        var q6 = Fma(x, 1.0 / 1307674368000.0, 1.0 / 87178291200.0);
        var q7 = Vector256.Create(1.0 / 20922789888000.0); // 1/16!
        var r0 = Vector256.FusedMultiplyAdd(q1, x2, q0);
        var r1 = Vector256.FusedMultiplyAdd(q3, x2, q2);
        var r2 = Vector256.FusedMultiplyAdd(q5, x2, q4);
        var r3 = Vector256.FusedMultiplyAdd(q7, x2, q6);
        var sum = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(r3, x4, r2), x8, Vector256.FusedMultiplyAdd(r1, x4, r0));
        var series = Vector256.FusedMultiplyAdd(x2, sum, x);
        if (Vector256.EqualsAll(small, Vector256<ulong>.AllBitsSet))
        {
            return series;
        }

        return Vector256.ConditionalSelect(small.AsDouble(), series, Vector256.Exp(x) - Vector256<double>.One);
    }

    /// <summary><c>log(1 + x)</c> per lane, for <c>x &gt;= -1</c>.</summary>
    public static Vector256<double> Log1P(Vector256<double> x)
    {
        var u = Vector256<double>.One + x;
        var log = Vector256.Log(u);
        var small = Vector256.LessThan(Vector256.Abs(x), Vector256.Create(0.5));
        var goldberg = Vector256.ConditionalSelect(Vector256.Equals(u, Vector256<double>.One), x, log * x / (u - Vector256<double>.One));
        return Vector256.ConditionalSelect(small, goldberg, log);
    }

    /// <summary><c>c1 x + c0</c> per lane (one fused multiply-add).</summary>
    private static Vector256<double> Fma(Vector256<double> x, double c1, double c0)
        => Vector256.FusedMultiplyAdd(x, Vector256.Create(c1), Vector256.Create(c0));

    /// <summary>
    /// <c>destination_k = log(x_k) - shift</c> (in place allowed), four lanes at a time where <see cref="Vector256"/> runs in
    /// hardware, the last partial group padded, so each entry depends only on its own <c>x_k</c>.
    /// </summary>
    public static void LogMinus(ReadOnlySpan<double> x, double shift, Span<double> destination)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int k = 0; k < x.Length; k++)
            {
                destination[k] = Math.Log(x[k]) - shift;
            }

            return;
        }

        var by = Vector256.Create(shift);
        int full = x.Length & ~3;
        for (int k = 0; k < full; k += 4)
        {
            (Vector256.Log(Vector256.Create(x.Slice(k, 4))) - by).CopyTo(destination.Slice(k, 4));
        }

        if (full < x.Length)
        {
            Span<double> tail = stackalloc double[4];
            tail.Fill(x[^1]);
            x[full..].CopyTo(tail);
            (Vector256.Log(Vector256.Create(tail)) - by).CopyTo(tail);
            tail[..(x.Length - full)].CopyTo(destination[full..]);
        }
    }

    /// <summary>
    /// <c>destination_k = exp(a x_k - b)</c>, 0 where <c>x_k = -inf</c> (in place allowed); vectorised and padded like
    /// <see cref="LogMinus"/>.
    /// </summary>
    public static void ExpAffine(ReadOnlySpan<double> x, double a, double b, Span<double> destination)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int k = 0; k < x.Length; k++)
            {
                destination[k] = double.IsNegativeInfinity(x[k]) ? 0.0 : Math.Exp((a * x[k]) - b);
            }

            return;
        }

        int full = x.Length & ~3;
        for (int k = 0; k < full; k += 4)
        {
            ExpAffine(Vector256.Create(x.Slice(k, 4)), a, b).CopyTo(destination.Slice(k, 4));
        }

        if (full < x.Length)
        {
            Span<double> tail = stackalloc double[4];
            tail.Fill(x[^1]);
            x[full..].CopyTo(tail);
            ExpAffine(Vector256.Create(tail), a, b).CopyTo(tail);
            tail[..(x.Length - full)].CopyTo(destination[full..]);
        }
    }

    private static Vector256<double> ExpAffine(Vector256<double> x, double a, double b)
    {
        // -inf lanes are evaluated at 0 (a NaN or infinite argument takes Vector256.Exp off its fast path) and then zeroed.
        var outside = Vector256.Equals(x, Vector256.Create(double.NegativeInfinity));
        var argument = (Vector256.Create(a) * Vector256.ConditionalSelect(outside, Vector256<double>.Zero, x)) - Vector256.Create(b);
        return Vector256.AndNot(Vector256.Exp(argument), outside);
    }
}
