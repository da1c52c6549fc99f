using System.Runtime.Intrinsics;
using CredalDistill.Divergences;
using CredalDistill.Numerics;

namespace CredalDistill.Credal;

/// <summary>
/// The KL bounds of a whole row from the threshold's <see cref="BoundTable"/>, four binary solves at a time
/// (<see cref="Vector256{T}"/>): the same start (the interpolated root <c>v</c>), the same verifying evaluation of
/// <c>d(v) = a phi(t / a) + b phi((1 - t) / b)</c>, <c>phi(e^x) = x e^x - expm1(x)</c> below and
/// <c>phi(e^x) e^-x = x + expm1(-x)</c> above, and the same acceptance tests as <see cref="BinaryBound"/>
/// (<c>|d - gamma| &lt;= 2e-15 gamma</c>, or one first-order Newton step of at most <c>1e-9 max(1, |v|)</c> from
/// <c>|d - gamma| &lt;= 1e-6 gamma</c>). A lane that fails them gets the full solve's first test, the vertex
/// (<c>d(1) &lt;= gamma</c>: <c>t = 1</c>), also four at a time; any other (outside the table, a zero mass, a slope that
/// overflows) is solved by <see cref="BinaryBound.Solve(FDivergence, double, double, double, double, double, BoundTable)"/>. The last, partial
/// group of four is padded, so each class's bounds depend only on its own masses, not on its position in the row.
/// </summary>
internal static class KlTableBounds
{
    /// <summary>Whether four-lane double vectors run in hardware here (otherwise the scalar kernel is faster).</summary>
    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>The bounds and their complements of every class (before the coherence step of <see cref="CredalBounds"/>).</summary>
    public static void Compute(FDivergence kl, RowMasses masses, double gamma, BoundTable table, Span<double> lower, Span<double> upper, Span<double> lowerComplement, Span<double> upperComplement)
    {
        int n = masses.Classes;

        // The starts, kept in the outputs until each group of four is solved: u = log p - log r for the upper bound, -u for the lower.
        for (int k = 0; k < n; k++)
        {
            double u = masses.LogP[k] - masses.LogRest[k];
            upper[k] = table.Start(u);
            lower[k] = table.Start(-u);
        }

        for (int k = 0; k < n; k += 4)
        {
            int lanes = Math.Min(4, n - k);

            // Upper bound: a = p_k, b = r_k; t is upper_k, 1 - t its complement. Lower bound: a = r_k, b = p_k; 1 - t is lower_k.
            Group(kl, masses.LogP, masses.LogRest, masses.P, masses.Rest, upper, k, lanes, gamma, table, upper, upperComplement);
            Group(kl, masses.LogRest, masses.LogP, masses.Rest, masses.P, lower, k, lanes, gamma, table, lowerComplement, lower);
        }
    }

    /// <summary>
    /// The solves of classes <c>k .. k + lanes - 1</c> in one direction: <c>max(t, a)</c> into <paramref name="t"/> and
    /// <c>min(1 - t, b)</c> into <paramref name="s"/> (the bound never crosses the class's own mass), from the starts (read first,
    /// so they may share storage with an output).
    /// </summary>
    private static void Group(FDivergence kl, ReadOnlySpan<double> logA, ReadOnlySpan<double> logB, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> starts, int k, int lanes, double gamma, BoundTable table, Span<double> t, Span<double> s)
    {
        var la = Load(logA, k, lanes);
        var lb = Load(logB, k, lanes);
        var va = Load(a, k, lanes);
        var vb = Load(b, k, lanes);
        uint accepted = Solve(la, lb, va, vb, Load(starts, k, lanes), gamma, out var vt, out var vs);
        accepted |= Vertex(la, lb, gamma, accepted, ref vt, ref vs);
        Store(Vector256.Max(vt, va), t, k, lanes);
        Store(Vector256.Min(vs, vb), s, k, lanes);
        for (int i = 0; i < lanes; i++)
        {
            if ((accepted & (1u << i)) == 0)
            {
                int c = k + i;
                var point = BinaryBound.Solve(kl, logA[c], logB[c], a[c], b[c], gamma, table);
                t[c] = Math.Max(point.T, a[c]);
                s[c] = Math.Min(point.S, b[c]);
            }
        }
    }

    /// <summary>
    /// Four binary solves from their table starts <paramref name="v"/>: <c>t</c> and <c>1 - t</c> of each, and the lanes that
    /// passed the acceptance tests as bits.
    /// </summary>
    private static uint Solve(Vector256<double> logA, Vector256<double> logB, Vector256<double> a, Vector256<double> b, Vector256<double> v, double gamma, out Vector256<double> t, out Vector256<double> s)
    {
        var one = Vector256<double>.One;

        // A start outside the table (NaN) or not above the class's own log-odds sends the lane to the full solve; a NaN lane would
        // also take Vector256.Exp off its fast path, so it is evaluated at v = 0 and discarded.
        var valid = Vector256.GreaterThan(v, logA - logB);
        t = Vector256<double>.Zero;
        s = Vector256<double>.Zero;
        if (Vector256.EqualsAll(valid.AsUInt64(), Vector256<ulong>.Zero))
        {
            return 0;
        }

        v = Vector256.ConditionalSelect(valid, v, Vector256<double>.Zero);

        // The point of log-odds v (BinaryPoint.FromLogOdds): log t = -softplus(-v), log(1 - t) = -softplus(v).
        var e = Vector256.Exp(-Vector256.Abs(v));
        var l = VectorLogMath.Log1P(e);
        var small = e / (one + e);
        var big = one - small;
        var positive = Vector256.GreaterThanOrEqual(v, Vector256<double>.Zero);
        var logT = Vector256.ConditionalSelect(positive, -l, v - l);
        var logS = Vector256.ConditionalSelect(positive, -v - l, -l);
        t = Vector256.ConditionalSelect(positive, big, small);
        s = Vector256.ConditionalSelect(positive, small, big);

        // d - gamma and d'(v) = t (1 - t) (log(t / a) - log((1 - t) / b)).
        var x = logT - logA;
        var y = logS - logB;
        var g = Term(x, a, t) + Term(y, b, s) - Vector256.Create(gamma);
        var slope = t * s * (x - y);
        var size = Vector256.Abs(g);
        var exact = Vector256.LessThanOrEqual(size, Vector256.Create(2e-15 * gamma));
        var step = -g / slope;
        var newton = Vector256.GreaterThan(slope, Vector256<double>.Zero)
            & Vector256.LessThan(slope, Vector256.Create(double.PositiveInfinity))
            & Vector256.LessThanOrEqual(Vector256.Abs(step), Vector256.Create(1e-9) * Vector256.Max(one, Vector256.Abs(v)))
            & Vector256.LessThanOrEqual(size, Vector256.Create(1e-6 * gamma));

        // The Newton step to first order (dt/dv = t (1 - t)), as BinaryBound applies it.
        var ts = t * s * step;
        t = Vector256.ConditionalSelect(exact, t, t + ts);
        s = Vector256.ConditionalSelect(exact, s, s - ts);
        var accepted = valid & (exact | newton);
        return Vector256.ExtractMostSignificantBits(accepted);
    }

    /// <summary>
    /// Among the lanes not yet <paramref name="accepted"/>, those whose bound is the vertex <c>t = 1</c>:
    /// <c>d(1) = a phi(1 / a) + b phi(0) = (-log a + expm1(log a)) + e^(log b) &lt;= gamma</c> (the full solve's first test;
    /// KL's lower bound is 0 for every class with <c>-log r_k &lt;= gamma</c>). They get <c>t = 1</c>, <c>1 - t = 0</c>.
    /// </summary>
    private static uint Vertex(Vector256<double> logA, Vector256<double> logB, double gamma, uint accepted, ref Vector256<double> t, ref Vector256<double> s)
    {
        if (accepted == 0b1111)
        {
            return 0;
        }

        var minusInfinity = Vector256.Create(double.NegativeInfinity);
        var d = (VectorLogMath.ExpM1(logA) - logA) + Vector256.Exp(logB);
        var vertex = Vector256.LessThanOrEqual(d, Vector256.Create(gamma))
            & Vector256.GreaterThan(logA, minusInfinity)
            & Vector256.GreaterThan(logB, minusInfinity)
            & ~Mask(accepted);
        t = Vector256.ConditionalSelect(vertex, Vector256<double>.One, t);
        s = Vector256.ConditionalSelect(vertex, Vector256<double>.Zero, s);
        return Vector256.ExtractMostSignificantBits(vertex);
    }

    /// <summary>The lanes of <paramref name="bits"/> as a mask.</summary>
    private static Vector256<double> Mask(uint bits)
        => Vector256.Equals(Vector256.Create(1UL, 2UL, 4UL, 8UL) & Vector256.Create((ulong)bits), Vector256.Create(1UL, 2UL, 4UL, 8UL)).AsDouble();

    /// <summary>The KL term <c>a phi(t / a)</c> from <c>x = log(t / a)</c>: scale <c>a</c> below, <c>t</c> above (as <see cref="FDivergence.LogTerm(double, double, double, double)"/>).</summary>
    internal static Vector256<double> Term(Vector256<double> x, Vector256<double> a, Vector256<double> t)
    {
        var below = Vector256.LessThanOrEqual(x, Vector256<double>.Zero);
        var em = VectorLogMath.ExpM1(Vector256.ConditionalSelect(below, x, -x));
        var factor = Vector256.ConditionalSelect(below, (x * (em + Vector256<double>.One)) - em, x + em);
        return Vector256.ConditionalSelect(below, a, t) * factor;
    }

    /// <summary>Four doubles from <paramref name="k"/>; a partial group repeats its last value.</summary>
    private static Vector256<double> Load(ReadOnlySpan<double> values, int k, int lanes)
        => lanes == 4
            ? Vector256.Create(values.Slice(k, 4))
            : Vector256.Create(values[k], values[k + Math.Min(1, lanes - 1)], values[k + Math.Min(2, lanes - 1)], values[k + lanes - 1]);

    private static void Store(Vector256<double> vector, Span<double> destination, int k, int lanes)
    {
        if (lanes == 4)
        {
            vector.CopyTo(destination.Slice(k, 4));
            return;
        }

        for (int i = 0; i < lanes; i++)
        {
            destination[k + i] = vector.GetElement(i);
        }
    }
}
